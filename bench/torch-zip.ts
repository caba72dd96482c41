import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

const MB = 1024 * 1024;

/** A torch zip whose data.pkl references `count` storages of `each` bytes, written to disk. */
export function writeTorchZip(path: string, count: number, each: number): void {
  const fd = openSync(path, 'w');
  let offset = 0;
  const central: Buffer[] = [];
  const put = (name: string, body: Buffer | null, size: number): void => {
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(Buffer.byteLength(name), 26);
    if (body) local.writeUInt32LE(crc32(body) >>> 0, 14);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    if (body) c.writeUInt32LE(crc32(body) >>> 0, 16);
    c.writeUInt32LE(size, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(Buffer.byteLength(name), 28);
    c.writeUInt32LE(offset, 42);
    central.push(c, Buffer.from(name));
    writeSync(fd, Buffer.concat([local, Buffer.from(name)]));
    if (body) writeSync(fd, body);
    else {
      const chunk = Buffer.alloc(Math.min(size, 64 * MB), 0x3f);
      for (let left = size; left > 0; left -= chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, left));
    }
    offset += 30 + Buffer.byteLength(name) + size;
  };
  const pkl: Buffer[] = [Buffer.from('\x80\x02ccollections\nOrderedDict\n)R(', 'latin1')];
  for (let i = 0; i < count; i++) {
    const key = String(i);
    pkl.push(
      Buffer.from(
        `X${String.fromCharCode(1 + key.length)}\0\0\0w${key}ctorch._utils\n_rebuild_tensor_v2\n((X\x07\0\0\0storagectorch\nFloatStorage\nX${String.fromCharCode(key.length)}\0\0\0${key}X\x03\0\0\0cpuJ`,
        'latin1',
      ),
    );
    const numel = Buffer.alloc(4);
    numel.writeInt32LE(each / 4);
    pkl.push(numel, Buffer.from('tQK\0J', 'latin1'), numel, Buffer.from('\x85K\x01\x85\x89ccollections\nOrderedDict\n)RtR', 'latin1'));
  }
  pkl.push(Buffer.from('u.', 'latin1'));
  const dataPkl = Buffer.concat(pkl);
  put('archive/data.pkl', dataPkl, dataPkl.length);
  for (let i = 0; i < count; i++) put(`archive/data/${i}`, null, each);
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(central.length / 2, 8);
  eocd.writeUInt16LE(central.length / 2, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  writeSync(fd, Buffer.concat([cd, eocd]));
  closeSync(fd);
}
