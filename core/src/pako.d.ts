declare module 'pako' {
  class Inflate {
    constructor(options?: { chunkSize?: number });
    err: number;
    msg: string;
    onData: (chunk: Uint8Array) => void;
    onEnd: (status: number) => void;
    push(data: Uint8Array, mode?: boolean | number): boolean;
  }
  function inflate(data: Uint8Array): Uint8Array;
  function deflate(data: Uint8Array): Uint8Array<ArrayBuffer>;
  const pako: { Inflate: typeof Inflate; inflate: typeof inflate; deflate: typeof deflate };
  export default pako;
}
