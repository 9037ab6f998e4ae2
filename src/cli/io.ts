// Where wanctl's output goes and whether it may be coloured. Commands write through CliIo
// instead of process.stdout so unit tests can capture lines without spawning anything.

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Colour escapes for this stream, or identity functions when colour is off. */
  readonly paint: Painter;
}

export interface Painter {
  readonly enabled: boolean;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

/** no-color.org: any non-empty NO_COLOR disables colour; pipes and files never get escapes. */
export function colourWanted(env: Record<string, string | undefined>, isTty: boolean): boolean {
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  return isTty;
}

const wrap = (on: boolean, open: number, close: number) => (s: string): string =>
  on ? `\u001b[${open}m${s}\u001b[${close}m` : s;

export function makePainter(enabled: boolean): Painter {
  return {
    enabled,
    green: wrap(enabled, 32, 39),
    red: wrap(enabled, 31, 39),
    yellow: wrap(enabled, 33, 39),
    bold: wrap(enabled, 1, 22),
    dim: wrap(enabled, 2, 22),
  };
}

/** The real terminal: the only place wanctl touches process.stdout/stderr. */
export function processIo(): CliIo {
  const tty = process.stdout.isTTY === true;
  return {
    out: (line) => void process.stdout.write(line + '\n'),
    err: (line) => void process.stderr.write(line + '\n'),
    paint: makePainter(colourWanted(process.env, tty)),
  };
}
