// Mocha's globals, which web-test-runner puts in the page, typed for our browser tests.
// Not @types/mocha: its global declarations would clash with vitest's in one tsconfig.
type Body = () => void | Promise<void>;

interface MochaGlobals {
  describe(title: string, body: () => void): void;
  it(title: string, body: Body): void;
  before(body: Body): void;
  after(body: Body): void;
}

// Looked up at call time: a module that imports this one may load before mocha is set up.
const mocha = (): MochaGlobals => globalThis as unknown as MochaGlobals;

export const describe = (title: string, body: () => void): void => mocha().describe(title, body);
export const it = (title: string, body: Body): void => mocha().it(title, body);
export const before = (body: Body): void => mocha().before(body);
export const after = (body: Body): void => mocha().after(body);
