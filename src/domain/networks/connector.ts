// What every affiliate network connector does: list the transactions changed in a window, and read each one as a conversion.
import type { ConversionInput } from '../postback-schema';
import type { SyncWindow } from './sync-windows';

/**
 * One HTTP call a connector asks for (a GET): the sync makes it, the connector never does I/O. An
 * optional call asks for something not every account of the network may offer: a 400 answer to
 * it is passed over, not a failure of the sync.
 */
export type NetworkRequest = { url: string; headers: Record<string, string>; isOptional?: boolean };

/**
 * A network's transaction read as the input postback intake takes, dated, with the commission
 * the network pays for it (in the conversion's currency): for these partners the network's
 * figure is the truth, Relais's rules only a check of it.
 */
export type NetworkTransaction = {
  input: ConversionInput & { occurredAt: Date };
  commissionMinor: number;
  /**
   * The network's own id of the transaction (Awin's `id`), which `input.transactionId` (Awin's
   * `orderRef` when there is one) may not be: two transactions sharing an order reference are
   * told apart by it.
   */
  networkRef: string;
};

/** One transaction of an answer: read, or refused with the network's id for it and why. */
export type TransactionRead =
  | { ok: true; transaction: NetworkTransaction }
  | { ok: false; id: string | null; message: string };

/** An answer's body read: its transactions, or why it is not what the network answers. */
export type AnswerRead = { ok: true; transactions: TransactionRead[] } | { ok: false; message: string };

/** What a transaction is read with beyond its own fields. */
export type ReadContext = {
  /** The partner's reporting currency: the currency of a transaction that names none. */
  defaultCurrency: string;
};

/**
 * A network behind one interface: the sync asks it for the calls that list a window's
 * transactions (one per kind of date for Awin: made, validated, amended), makes them, and hands
 * each answer back to be read. Pure: nothing here fetches, stores or reads the clock.
 */
export type NetworkConnector = {
  /** The longest window one call may cover, in days. */
  maxWindowDays: number;
  /** The calls listing the transactions changed within `window`, made in this order. */
  requests(window: SyncWindow, accessToken: string): NetworkRequest[];
  /** One answer's parsed JSON body. */
  read(body: unknown, context: ReadContext): AnswerRead;
};
