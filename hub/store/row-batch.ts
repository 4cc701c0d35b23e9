/**
 * Rows of one kind written to PostgreSQL together: the rows handed in while the last write ran go in
 * the next one, as one statement and one commit. At thousands of rooms the rooms' samples and
 * readiness transitions came one commit each, every one a sync of the write-ahead log, and the
 * writes waiting for their turn (each holding its row and its caller's promise) were most of the
 * hub's memory. The first row of a quiet moment is written at once: batching adds no delay, it only
 * gathers what would otherwise have queued. When a batch fails, its rows are written one by one, so
 * that only a bad row fails its caller (the store's answer for the SQLite thread too, store-batch.ts).
 */
interface Waiting<Row> {
  row: Row;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class RowBatch<Row> {
  private waiting: Waiting<Row>[] = [];
  private writing = false;

  constructor(
    /** Writes the rows as one statement; resolves once they are committed. */
    private readonly write: (rows: readonly Row[]) => Promise<void>,
    /** At most this many rows in one statement (PostgreSQL takes at most 65,535 parameters). */
    private readonly maxRows: number,
  ) {}

  /** Resolves once the row is committed; rejects with the error of its own write. */
  add(row: Row): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxRows);
      try {
        await this.write(batch.map((w) => w.row));
        for (const w of batch) w.resolve();
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        else await this.oneByOne(batch);
      }
    }
    this.writing = false;
  }

  private async oneByOne(batch: readonly Waiting<Row>[]): Promise<void> {
    for (const w of batch) {
      await this.write([w.row]).then(w.resolve, w.reject);
    }
  }
}
