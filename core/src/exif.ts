/** The EXIF orientation tag of a TIFF structure (a JPEG's APP1 after "Exif\0\0", a PNG's eXIf chunk). */

/** Orientation (1-8) from the TIFF header at `tiff` (bytes up to `end`), 1 when absent or unreadable. */
export function orientationFromTiff(dv: DataView, tiff: number, end: number): number {
  if (tiff + 8 > end) return 1;
  const little = dv.getUint16(tiff) === 0x4949;
  const u16 = (o: number) => dv.getUint16(o, little);
  const ifd = tiff + dv.getUint32(tiff + 4, little);
  if (ifd + 2 > end) return 1;
  const count = u16(ifd);
  for (let k = 0; k < count; k++) {
    const entry = ifd + 2 + k * 12;
    if (entry + 12 > end) return 1;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}
