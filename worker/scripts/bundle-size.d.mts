export interface BundleSize {
  files: { name: string; bytes: number; gzip: number }[];
  bytes: number;
  gzip: number;
}
export declare const SIZE_LIMITS: { free: number; paid: number };
export declare function measureBundle(dir: string): BundleSize;
export declare function describeBundle(m: BundleSize): string;
