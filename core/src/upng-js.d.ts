declare module 'upng-js' {
  interface Image {
    width: number;
    height: number;
    depth: number;
    ctype: number;
    frames: unknown[];
    tabs: Record<string, unknown>;
    data: ArrayBuffer;
  }
  function decode(buffer: ArrayBuffer): Image;
  namespace decode {
    /** zlib inflate used for IDAT data (replaced by a bounded one in ../png.ts). */
    let _inflate: (data: Uint8Array) => Uint8Array;
  }
  function toRGBA8(img: Image): ArrayBuffer[];
  function encode(imgs: ArrayBuffer[], w: number, h: number, cnum: number, dels?: number[]): ArrayBuffer;
  const UPNG: { decode: typeof decode; toRGBA8: typeof toRGBA8; encode: typeof encode };
  export default UPNG;
}
