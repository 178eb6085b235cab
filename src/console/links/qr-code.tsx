// A QR code drawn inline as SVG: one path of dark modules, named for screen readers, styled by no inline style.
import { encode } from 'uqr';

/** The quiet zone the QR specification asks for, in modules, so that readers find the code. */
const QUIET_ZONE = 4;

/**
 * The dark modules of a QR code as one SVG path, a run of adjacent modules of a row drawn as one
 * rectangle: a short URL's code is a few hundred runs rather than a thousand squares.
 * @example qrPath('https://go.example/autodoc-freins').size // 33 (25 modules and the quiet zone)
 */
export function qrPath(text: string): { size: number; d: string } {
  const qr = encode(text, { ecc: 'M', border: QUIET_ZONE });
  const parts: string[] = [];
  qr.data.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x++;
      parts.push(`M${start} ${y}h${x - start}v1h${start - x}z`);
    }
  });
  return { size: qr.size, d: parts.join('') };
}

/** The code of `text`, as an image named `label` (its `<title>`), sized by the stylesheet's `.qr`. */
export function QrCode(props: { id: string; text: string; label: string }) {
  const { size, d } = qrPath(props.text);
  return (
    <div class="qr">
      <svg
        xmlns="http://www.w3.org/2000/svg"
        viewBox={`0 0 ${size} ${size}`}
        role="img"
        aria-labelledby={`${props.id}-title`}
        shape-rendering="crispEdges"
      >
        <title id={`${props.id}-title`}>{props.label}</title>
        <rect width={size} height={size} fill="#fff" />
        <path d={d} fill="#000" />
      </svg>
    </div>
  );
}
