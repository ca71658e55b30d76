/** The wire formats Signalbox speaks, each with pure codecs under `src/dialects/<id>/`. */
export type DialectId = 'openai-chat';
