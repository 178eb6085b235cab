// One drizzle client per D1 binding (cheap to build, but kept per isolate anyway).
import { drizzle } from 'drizzle-orm/d1';
import * as schema from './schema';

export type Db = ReturnType<typeof makeDb>;

const makeDb = (d1: D1Database) => drizzle(d1, { schema });
const clients = new WeakMap<D1Database, Db>();

/** The drizzle client of `env.DB`. */
export function dbOf(env: { DB: D1Database }): Db {
  let db = clients.get(env.DB);
  if (!db) {
    db = makeDb(env.DB);
    clients.set(env.DB, db);
  }
  return db;
}
