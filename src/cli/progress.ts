import cliProgress from 'cli-progress';

const mib = (n: number): string => `${(n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0)}`;

/** Progress bars of an `hf:` scan on stderr: files scanned, and the download under way. */
export class HubProgress {
  private readonly bars = new cliProgress.MultiBar(
    { format: '{what} [{bar}] {amount} {file}', stream: process.stderr, clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  private files?: cliProgress.SingleBar;
  private count = 0;
  private download_?: cliProgress.SingleBar;
  private downloading = '';

  listing(count: number): void {
    this.count = count;
    this.files = this.bars.create(count, 0, { what: 'files', amount: `0/${count}`, file: '' });
  }

  file(done: number, path: string): void {
    this.files?.update(done, { amount: `${done}/${this.count}`, file: path.slice(-40) });
  }

  download(path: string, bytes: number, total: number): void {
    if (path !== this.downloading) {
      this.downloading = path;
      if (this.download_) this.bars.remove(this.download_);
      this.download_ = this.bars.create(total, 0, { what: 'fetch', amount: '', file: path.slice(-40) });
    }
    this.download_?.update(bytes, { amount: `${mib(bytes)}/${mib(total)} MiB` });
  }

  stop(): void {
    this.bars.stop();
  }
}

/** The progress bar of a scan of local files on stderr. */
export class LocalProgress {
  private bar?: cliProgress.SingleBar;

  listing(count: number): void {
    this.bar = new cliProgress.SingleBar(
      { format: 'scanning [{bar}] {value}/{total} {file}', stream: process.stderr, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(count, 0, { file: '' });
  }

  file(done: number, path: string): void {
    this.bar?.update(done, { file: path.slice(-40) });
  }

  /** Local files are read in place: nothing is downloaded. */
  download(): void {}

  stop(): void {
    this.bar?.stop();
  }
}
