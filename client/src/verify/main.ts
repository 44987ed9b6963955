// Entry point of the offline verifier page (/verify), bundled as one classic script so that
// a copy of the page saved to disk runs too.
import { mountVerifier } from './page.ts';

const root = document.getElementById('verifier');
if (root) mountVerifier(root);
