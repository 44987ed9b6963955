// A web-test-runner reporter that writes passed/failed counts as JSON, so .ci/run can add
// the browser tests to vitest's figures in its one summary line.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** @param {{ tests: { passed: boolean, skipped: boolean }[], suites: unknown[] }} suite */
function count(suite, totals) {
  for (const test of suite.tests) {
    if (test.skipped) totals.skipped++;
    else if (test.passed) totals.passed++;
    else totals.failed++;
  }
  for (const child of suite.suites) count(child, totals);
  return totals;
}

/** @param {{ outputFile: string }} options */
export function jsonCountsReporter({ outputFile }) {
  return {
    stop({ sessions }) {
      const totals = { passed: 0, failed: 0, skipped: 0, files: sessions.length };
      for (const session of sessions) {
        const before = totals.failed;
        if (session.testResults) count(session.testResults, totals);
        // A file that failed to load, or failed outside any test, still fails the run.
        if (session.passed === false && totals.failed === before) totals.failed++;
      }
      mkdirSync(dirname(outputFile), { recursive: true });
      writeFileSync(outputFile, `${JSON.stringify(totals)}\n`);
    },
  };
}
