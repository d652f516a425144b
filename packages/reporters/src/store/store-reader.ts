/** A value bound to a `?` parameter of a store query. */
export type StoreParam = string | number | boolean | null;

/**
 * What reports and insights need from a results store: read-only SQL, rows as objects keyed by
 * column (JSON columns parsed, integers as numbers). `ResultsDb` is one (a finished, live or killed
 * store); so is the read handle a run gives its outputs on its own live store, which lets the same
 * code build the report at the end of a run and from a directory later.
 */
export interface StoreReader {
  rows<T>(sql: string, params?: StoreParam[]): Promise<T[]>;
}
