// SHA-256 (FIPS 180-4) for hashing evidence as it is encrypted: WebCrypto has no
// incremental digest, and in Chromium @noble/hashes ran at ~60 MB/s, too slow for a video
// (docs/performance.md, "Browser"). This one runs at ~2.5× that. Short inputs (proof of
// work, receipts) keep using @noble/hashes.
import type { IncrementalHash } from './evidence-format.ts';

// FIPS 180-4 §4.2.2 and §5.3.3.
// prettier-ignore
const K = Int32Array.of(
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);
// prettier-ignore
const IV = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

// §4.1.2 functions; V8 inlines these.
const S0 = (x: number) => ((x >>> 2) | (x << 30)) ^ ((x >>> 13) | (x << 19)) ^ ((x >>> 22) | (x << 10));
const S1 = (x: number) => ((x >>> 6) | (x << 26)) ^ ((x >>> 11) | (x << 21)) ^ ((x >>> 25) | (x << 7));
const s0 = (x: number) => ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
const s1 = (x: number) => ((x >>> 17) | (x << 15)) ^ ((x >>> 19) | (x << 13)) ^ (x >>> 10);
const ch = (x: number, y: number, z: number) => (x & y) ^ (~x & z);
const maj = (x: number, y: number, z: number) => (x & y) ^ (x & z) ^ (y & z);

/**
 * Compresses the 64-byte block at view[pos] into `state` (§6.2.2). Speed comes from three
 * choices, each measured in Chromium: one block per call (V8 optimises a small hot function
 * at once, where a long loop stayed slow for ~100 MiB); the schedule kept as 16 local words
 * updated in place; and 16 rounds written out with the working variables renamed in turn
 * instead of shifted, so no round moves a value it does not change.
 */
function compress(state: Int32Array, view: DataView, pos: number): void {
  // prettier-ignore
  let w0 = view.getInt32(pos), w1 = view.getInt32(pos + 4), w2 = view.getInt32(pos + 8),
    w3 = view.getInt32(pos + 12), w4 = view.getInt32(pos + 16), w5 = view.getInt32(pos + 20),
    w6 = view.getInt32(pos + 24), w7 = view.getInt32(pos + 28), w8 = view.getInt32(pos + 32),
    w9 = view.getInt32(pos + 36), w10 = view.getInt32(pos + 40), w11 = view.getInt32(pos + 44),
    w12 = view.getInt32(pos + 48), w13 = view.getInt32(pos + 52), w14 = view.getInt32(pos + 56),
    w15 = view.getInt32(pos + 60);
  // prettier-ignore
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!,
    e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let i = 0; i < 64; i += 16) {
    if (i > 0) {
      // W[t] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16], for the next 16 rounds.
      // prettier-ignore
      {
        w0 = (w0 + s0(w1) + w9 + s1(w14)) | 0;
        w1 = (w1 + s0(w2) + w10 + s1(w15)) | 0;
        w2 = (w2 + s0(w3) + w11 + s1(w0)) | 0;
        w3 = (w3 + s0(w4) + w12 + s1(w1)) | 0;
        w4 = (w4 + s0(w5) + w13 + s1(w2)) | 0;
        w5 = (w5 + s0(w6) + w14 + s1(w3)) | 0;
        w6 = (w6 + s0(w7) + w15 + s1(w4)) | 0;
        w7 = (w7 + s0(w8) + w0 + s1(w5)) | 0;
        w8 = (w8 + s0(w9) + w1 + s1(w6)) | 0;
        w9 = (w9 + s0(w10) + w2 + s1(w7)) | 0;
        w10 = (w10 + s0(w11) + w3 + s1(w8)) | 0;
        w11 = (w11 + s0(w12) + w4 + s1(w9)) | 0;
        w12 = (w12 + s0(w13) + w5 + s1(w10)) | 0;
        w13 = (w13 + s0(w14) + w6 + s1(w11)) | 0;
        w14 = (w14 + s0(w15) + w7 + s1(w12)) | 0;
        w15 = (w15 + s0(w0) + w8 + s1(w13)) | 0;
      }
    }
    // T1 = h + Σ1(e) + Ch(e,f,g) + K[t] + W[t]; d += T1; h = T1 + Σ0(a) + Maj(a,b,c).
    // prettier-ignore
    {
      h = (h + S1(e) + ch(e, f, g) + K[i + 0]! + w0) | 0; d = (d + h) | 0; h = (h + S0(a) + maj(a, b, c)) | 0;
      g = (g + S1(d) + ch(d, e, f) + K[i + 1]! + w1) | 0; c = (c + g) | 0; g = (g + S0(h) + maj(h, a, b)) | 0;
      f = (f + S1(c) + ch(c, d, e) + K[i + 2]! + w2) | 0; b = (b + f) | 0; f = (f + S0(g) + maj(g, h, a)) | 0;
      e = (e + S1(b) + ch(b, c, d) + K[i + 3]! + w3) | 0; a = (a + e) | 0; e = (e + S0(f) + maj(f, g, h)) | 0;
      d = (d + S1(a) + ch(a, b, c) + K[i + 4]! + w4) | 0; h = (h + d) | 0; d = (d + S0(e) + maj(e, f, g)) | 0;
      c = (c + S1(h) + ch(h, a, b) + K[i + 5]! + w5) | 0; g = (g + c) | 0; c = (c + S0(d) + maj(d, e, f)) | 0;
      b = (b + S1(g) + ch(g, h, a) + K[i + 6]! + w6) | 0; f = (f + b) | 0; b = (b + S0(c) + maj(c, d, e)) | 0;
      a = (a + S1(f) + ch(f, g, h) + K[i + 7]! + w7) | 0; e = (e + a) | 0; a = (a + S0(b) + maj(b, c, d)) | 0;
      h = (h + S1(e) + ch(e, f, g) + K[i + 8]! + w8) | 0; d = (d + h) | 0; h = (h + S0(a) + maj(a, b, c)) | 0;
      g = (g + S1(d) + ch(d, e, f) + K[i + 9]! + w9) | 0; c = (c + g) | 0; g = (g + S0(h) + maj(h, a, b)) | 0;
      f = (f + S1(c) + ch(c, d, e) + K[i + 10]! + w10) | 0; b = (b + f) | 0; f = (f + S0(g) + maj(g, h, a)) | 0;
      e = (e + S1(b) + ch(b, c, d) + K[i + 11]! + w11) | 0; a = (a + e) | 0; e = (e + S0(f) + maj(f, g, h)) | 0;
      d = (d + S1(a) + ch(a, b, c) + K[i + 12]! + w12) | 0; h = (h + d) | 0; d = (d + S0(e) + maj(e, f, g)) | 0;
      c = (c + S1(h) + ch(h, a, b) + K[i + 13]! + w13) | 0; g = (g + c) | 0; c = (c + S0(d) + maj(d, e, f)) | 0;
      b = (b + S1(g) + ch(g, h, a) + K[i + 14]! + w14) | 0; f = (f + b) | 0; b = (b + S0(c) + maj(c, d, e)) | 0;
      a = (a + S1(f) + ch(f, g, h) + K[i + 15]! + w15) | 0; e = (e + a) | 0; a = (a + S0(b) + maj(b, c, d)) | 0;
    }
  }
  // prettier-ignore
  { state[0] = (state[0]! + a) | 0; state[1] = (state[1]! + b) | 0;
    state[2] = (state[2]! + c) | 0; state[3] = (state[3]! + d) | 0;
    state[4] = (state[4]! + e) | 0; state[5] = (state[5]! + f) | 0;
    state[6] = (state[6]! + g) | 0; state[7] = (state[7]! + h) | 0; }
}

class Sha256 implements IncrementalHash {
  private readonly state = IV.slice();
  private readonly block = new Uint8Array(64);
  private readonly blockView = new DataView(this.block.buffer);
  private buffered = 0;
  private length = 0;
  private done = false;

  update(bytes: Uint8Array): this {
    if (this.done) throw new Error('this SHA-256 has already been finished');
    this.length += bytes.length;
    let at = 0;
    if (this.buffered > 0) {
      at = Math.min(64 - this.buffered, bytes.length);
      this.block.set(bytes.subarray(0, at), this.buffered);
      this.buffered += at;
      if (this.buffered < 64) return this;
      compress(this.state, this.blockView, 0);
      this.buffered = 0;
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (; at + 64 <= bytes.length; at += 64) compress(this.state, view, at);
    this.block.set(bytes.subarray(at));
    this.buffered = bytes.length - at;
    return this;
  }

  digest(): Uint8Array {
    if (this.done) throw new Error('this SHA-256 has already been finished');
    this.done = true;
    // §5.1.1: a 1 bit, zeros, then the length in bits as a 64-bit big-endian integer.
    this.block.fill(0, this.buffered);
    this.block[this.buffered] = 0x80;
    if (this.buffered >= 56) {
      compress(this.state, this.blockView, 0);
      this.block.fill(0);
    }
    const bits = this.length * 8;
    this.blockView.setUint32(56, Math.floor(bits / 2 ** 32));
    this.blockView.setUint32(60, bits >>> 0);
    compress(this.state, this.blockView, 0);
    const out = new Uint8Array(32);
    const view = new DataView(out.buffer);
    this.state.forEach((word, i) => view.setInt32(i * 4, word));
    return out;
  }
}

/** A fresh incremental SHA-256. */
export function createSha256(): IncrementalHash {
  return new Sha256();
}
