import { ModelgateError } from '../../core/errors.js';
import { decodeBcjX86 } from './bcj.js';
import { decodeLzmaCoder } from './lzma.js';
import { checkLzma2Props, decodeLzma2Coder } from './lzma2.js';
import type { Coder } from './model.js';

/** A coder's input or output, and whether this reader owns it (may change it in place). */
export interface CoderStream {
  data: Buffer;
  owned: boolean;
}

interface Method {
  name: string;
  /** True when the output is newly produced bytes that count against the decompression limit. */
  decompresses: boolean;
  run(props: Buffer, input: CoderStream, outSize: number): CoderStream;
}

/** A coder that neither grows nor shrinks its data must be declared the size of its input. */
function checkSameSize(name: string, input: CoderStream, outSize: number): void {
  if (input.data.length !== outSize) {
    throw new ModelgateError('MALFORMED', `${name} coder: ${input.data.length} bytes in, ${outSize} declared`);
  }
}

/** The methods modelgate decodes, by 7-Zip method id (DOC/Methods.txt in the 7-Zip sources). */
const METHODS: Record<string, Method> = {
  '00': {
    name: 'Copy',
    decompresses: false,
    run: (_props, input, outSize) => {
      checkSameSize('Copy', input, outSize);
      return input;
    },
  },
  '030101': {
    name: 'LZMA',
    decompresses: true,
    run: (props, input, outSize) => ({ data: decodeLzmaCoder(props, input.data, outSize), owned: true }),
  },
  '21': {
    name: 'LZMA2',
    decompresses: true,
    run: (props, input, outSize) => ({ data: decodeLzma2Coder(props, input.data, outSize), owned: true }),
  },
  '03030103': {
    name: 'BCJ',
    decompresses: false,
    run: (_props, input, outSize) => {
      checkSameSize('BCJ', input, outSize);
      // Never rewrite bytes that belong to the caller (a Copy coder's input is a view of the source).
      const data = input.owned ? input.data : Buffer.from(input.data);
      decodeBcjX86(data);
      return { data, owned: true };
    },
  },
};

/** Methods modelgate recognises but does not decode, named for the error message. */
const UNSUPPORTED_NAMES: Record<string, string> = {
  '06f10701': '7zAES',
  '030401': 'PPMd',
  '040108': 'Deflate',
  '040109': 'Deflate64',
  '040202': 'BZip2',
  '0303011b': 'BCJ2',
  '03': 'Delta',
  '03030205': 'PPC',
  '03030401': 'IA64',
  '03030501': 'ARM',
  '03030701': 'ARMT',
  '03030805': 'SPARC',
  '0a': 'ARM64',
  '0b': 'RISCV',
  '04f71101': 'Zstandard',
};

const AES_METHOD = '06f10701';

/**
 * The reason a coder cannot be decoded (ENCRYPTED for 7zAES, UNSUPPORTED for any other method
 * or shape), or undefined when it can.
 */
export function coderProblem(coder: Coder): ModelgateError | undefined {
  if (coder.methodId === AES_METHOD) return new ModelgateError('ENCRYPTED', 'encrypted with 7zAES');
  const method = METHODS[coder.methodId];
  if (method === undefined) {
    const name = UNSUPPORTED_NAMES[coder.methodId] ?? `method ${coder.methodId || '(empty)'}`;
    return new ModelgateError('UNSUPPORTED', `7z coder ${name} is not supported`);
  }
  if (coder.numInStreams !== 1 || coder.numOutStreams !== 1) {
    return new ModelgateError('UNSUPPORTED', `7z coder ${method.name} with ${coder.numInStreams} in / ${coder.numOutStreams} out streams`);
  }
  if (coder.methodId === '21') {
    try {
      checkLzma2Props(coder.props);
    } catch (e) {
      return e as ModelgateError;
    }
  }
  return undefined;
}

/** Whether the coder's output is newly allocated decompressed bytes. */
export function coderDecompresses(coder: Coder): boolean {
  return METHODS[coder.methodId]?.decompresses ?? false;
}

/** Runs one supported single-stream coder; `coderProblem` must have accepted it. */
export function runCoder(coder: Coder, input: CoderStream, outSize: number): CoderStream {
  const method = METHODS[coder.methodId];
  if (method === undefined) throw new ModelgateError('UNSUPPORTED', `7z coder ${coder.methodId} is not supported`);
  return method.run(coder.props, input, outSize);
}
