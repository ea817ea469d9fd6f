import type { ImportFile } from './backend/types';

/** Files larger than this are refused in the window (the back end's limit too). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/** Base64 of bytes, in chunks (a 20 MB file must not overflow the argument list). */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** The file the user picked, as the back end takes it: its name and its bytes. */
export async function readImportFile(file: Blob & { name: string }): Promise<ImportFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { file_name: file.name, content_base64: toBase64(bytes) };
}
