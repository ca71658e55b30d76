/**
 * One message of the AWS event-stream binary framing (Bedrock ConverseStream and
 * InvokeModelWithResponseStream), after its prelude and checksums were verified. Header values are
 * kept only when they are strings, which is all Bedrock sends.
 */
export interface EventStreamFrame {
  readonly kind: 'binary';
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: Uint8Array;
}
