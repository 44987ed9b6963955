// Digits as people type them: Arabic-Indic (U+0660–0669) and Eastern Arabic-Indic
// (U+06F0–06F9) become ASCII. On its own, free of any crypto, so the app's first-load code
// can use it without pulling in the envelope.
export function asciiDigits(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0));
}
