/**
 * Exporting a view as SVG, PNG or CSV, in the page, with nothing leaving the
 * machine: the file is built locally and handed to the browser as a
 * download. Every view's export buttons go through `exportFile`.
 */

import { errorMessage } from './format.js';

/** The SVG element's markup, standalone (namespace and size set), with computed styles of `text` inlined for fonts. */
export function svgMarkup(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  const box = svg.getBoundingClientRect();
  if (!clone.getAttribute('width')) clone.setAttribute('width', String(Math.round(box.width)));
  if (!clone.getAttribute('height')) clone.setAttribute('height', String(Math.round(box.height)));
  const style = getComputedStyle(svg);
  clone.setAttribute('font-family', style.fontFamily);
  clone.setAttribute('font-size', style.fontSize);
  return new XMLSerializer().serializeToString(clone);
}

/** An SVG file of an element (its standalone markup) or of markup made already. */
export function svgBlob(svg: SVGSVGElement | string): Blob {
  return new Blob([typeof svg === 'string' ? svg : svgMarkup(svg)], { type: 'image/svg+xml' });
}

/** A canvas of w x h px filled with `background`, and its 2D context. */
export function filledCanvas(width: number, height: number, background: string): CanvasRenderingContext2D {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width));
  canvas.height = Math.max(1, Math.round(height));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas to render the PNG');
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  return ctx;
}

/** Draws SVG markup over the whole of the context's canvas (scaled to it), as the browser renders it as an image. */
export async function drawSvg(ctx: CanvasRenderingContext2D, markup: string): Promise<void> {
  const url = URL.createObjectURL(svgBlob(markup));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    ctx.drawImage(img, 0, 0, ctx.canvas.width, ctx.canvas.height);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Renders an SVG element to a PNG at `scale` times its size, on `background`. */
export async function svgToPng(svg: SVGSVGElement, scale = 2, background = '#ffffff'): Promise<Blob> {
  const box = svg.getBoundingClientRect();
  const ctx = filledCanvas(box.width * scale, box.height * scale, background);
  await drawSvg(ctx, svgMarkup(svg));
  return canvasToPng(ctx.canvas);
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas could not be encoded as PNG'))), 'image/png'),
  );
}

/** The event a view dispatches (bubbling, composed) to say something on the page: `detail` is the one-line message. */
export const VIEW_NOTICE = 'view-notice';

export type ViewNoticeEvent = CustomEvent<string>;

/**
 * The one way a view exports: builds the file (SVG, PNG or CSV) and offers
 * it as a download. A failure is said on the page (a `view-notice` event
 * from `from`, shown in the page's message line), never lost in the
 * console; resolves to whether the file was offered.
 */
export async function exportFile(from: Element, filename: string, make: () => Blob | Promise<Blob>): Promise<boolean> {
  try {
    download(await make(), filename);
    return true;
  } catch (e) {
    from.dispatchEvent(new CustomEvent(VIEW_NOTICE, { detail: `Export of ${filename} failed: ${errorMessage(e)}`, bubbles: true, composed: true }));
    return false;
  }
}

/** Offers a blob to the user as a file download (only through exportFile, so no export fails unseen). */
function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
