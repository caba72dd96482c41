import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { fsReason } from '../../core/errors.js';
import { RegistryError, type RegistryClient } from './client.js';
import { encodePath, type UploadFile } from './files.js';
import type { UploadAnswer } from './types.js';

/** Bytes read per pull: the stream holds one such chunk at a time, whatever the file's size. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Exactly `size` bytes of a file (one that grows while it is sent still matches its
 * Content-Length), read only when fetch pulls for more: memory stays at a chunk or two.
 */
function fileStream(handle: FileHandle, size: number, disk: string, seen: (chunk: Uint8Array) => void): ReadableStream<Uint8Array> {
  let position = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const want = Math.min(CHUNK_BYTES, size - position);
      const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(want), 0, want, position);
      if (bytesRead === 0) {
        controller.error(new RegistryError('UNREADABLE', `${disk} shrank to ${position} bytes while it was sent`));
        return;
      }
      const chunk = buffer.subarray(0, bytesRead);
      position += bytesRead;
      seen(chunk);
      controller.enqueue(chunk);
      if (position >= size) controller.close();
    },
  });
}

/**
 * Uploads one file of a `receiving` version, streamed from disk with its Content-Length and
 * hashed on the way, and checks that the registry stored those very bytes (its SHA-256 and
 * size). The file is opened without following links, so one swapped in since the walk is refused.
 */
export async function uploadFile(client: RegistryClient, versionId: string, file: UploadFile): Promise<UploadAnswer> {
  let handle;
  try {
    handle = await open(file.disk, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new RegistryError('USAGE', `${file.disk} became a symbolic link: not uploaded`);
    throw new RegistryError('UNREADABLE', `cannot read ${file.disk}: ${fsReason(e)}`, undefined, { cause: e });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new RegistryError('SPECIAL_FILE', `${file.disk} is not a regular file: not uploaded`);
    const size = stat.size;
    const hash = createHash('sha256');
    const body = size === 0 ? new Uint8Array(0) : fileStream(handle, size, file.disk, (chunk) => hash.update(chunk));
    const answer = await client.request<UploadAnswer>('PUT', `/api/versions/${encodeURIComponent(versionId)}/files/${encodePath(file.path)}`, {
      raw: { body, length: size },
    });
    const sha256 = hash.digest('hex');
    if (answer.sha256 !== sha256 || answer.size !== size)
      throw new RegistryError(
        'VERIFY_MISMATCH',
        `${file.path}: the registry stored ${answer.size} bytes with SHA-256 ${answer.sha256}, not the ${size} bytes with ${sha256} sent`,
      );
    return answer;
  } finally {
    await handle.close();
  }
}
