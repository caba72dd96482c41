import cliProgress from 'cli-progress';

/** Progress bars of an `hf:` scan on stderr: files scanned, and the download under way. */
export class HubProgress {
  private readonly bars = new cliProgress.MultiBar(
    { format: '{what} [{bar}] {value}/{total} {file}', stream: process.stderr, clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  private files?: cliProgress.SingleBar;
  private download_?: cliProgress.SingleBar;
  private downloading = '';

  listing(count: number): void {
    this.files = this.bars.create(count, 0, { what: 'files   ', file: '' });
  }

  file(done: number, path: string): void {
    this.files?.update(done, { file: path.slice(-40) });
  }

  download(path: string, bytes: number, total: number): void {
    const mib = (n: number): number => Math.round(n / 1048576);
    if (path !== this.downloading) {
      this.downloading = path;
      if (this.download_) this.bars.remove(this.download_);
      this.download_ = this.bars.create(mib(total), 0, { what: 'MiB     ', file: path.slice(-40) });
    }
    this.download_?.update(mib(bytes));
  }

  stop(): void {
    this.bars.stop();
  }
}
