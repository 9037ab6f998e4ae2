// What the probe responder (probe-responder.ts) is told to listen on: one entry per listener,
// handed over as its JSON argument by the tests and benchmarks that start it.
export interface ResponderListener {
  kind: 'tcp' | 'dns' | 'http' | 'https';
  address: string;
  port: number;
  /** HTTP(S): the status answered (default 204), and a Location header. */
  status?: number;
  location?: string;
  /** HTTPS: PEM files of the certificate and its key. */
  cert?: string;
  key?: string;
}
