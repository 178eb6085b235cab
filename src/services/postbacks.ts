// The names the API's routes use for intake's replay and answers; the use cases live in postback-intake.ts.
export { attributionView } from '../domain/postback-answer';
export type { ParsedForLog } from '../domain/postback-log-entry';
export { replayPostback as processPostback } from './postback-replay';
