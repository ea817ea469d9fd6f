import { describe, expect, it } from 'vitest';
import { readImportFile, toBase64 } from './files';

describe('handing a chosen file to the back end', () => {
  it('keeps every byte, including Windows-1252 letters and a BOM', async () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x41, 0xe5, 0xe4, 0xf6, 0x0a]);
    const file = new File([bytes], 'pass-oktober.csv');
    const read = await readImportFile(file);
    expect(read.file_name).toBe('pass-oktober.csv');
    expect(Uint8Array.from(atob(read.content_base64), (c) => c.charCodeAt(0))).toEqual(bytes);
  });

  it('encodes files larger than one chunk without losing the seams', () => {
    const big = new Uint8Array(0x8000 * 2 + 3).map((_, i) => i % 251);
    const back = Uint8Array.from(atob(toBase64(big)), (c) => c.charCodeAt(0));
    expect(back).toEqual(big);
  });
});
