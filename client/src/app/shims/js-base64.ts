// tus-js-client encodes Upload-Metadata values with the `js-base64` package. The app sends
// one short ASCII value (the evidence commitment), so a small UTF-8-safe encoder built on
// btoa is enough.
export const Base64 = {
  encode(text: string): string {
    let binary = '';
    for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
    return btoa(binary);
  },
};
