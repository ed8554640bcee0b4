import {basename} from 'node:path'
import {STDIN} from '@fm/ingest'
import {UsageError} from '@fm/model'

/** The formats of `fm report` whose file each extension names; other extensions take any format. */
const FORMATS_OF: Record<string, string[]> = {html: ['html'], htm: ['html'], svg: ['svg', 'render'], png: ['render'], dot: ['dot'], gv: ['dot']}
/** The extension of each format's default file name. */
const EXTENSION: Record<string, string> = {html: 'html', svg: 'svg', dot: 'dot', render: 'svg'}

/**
 * Where `fm report` writes and whether the picture is PNG: `--out` when given, refused when its
 * extension names another format than `--format` (never HTML in a .svg); else a file in the
 * current folder named after the first input (`two-agents.json` → `two-agents.report.html`).
 */
export function reportTarget(out: string | undefined, format: string, inputs: string[]): {out: string; picture: 'svg' | 'png'; defaulted: boolean} {
  if (out === undefined) {
    const first = inputs[0] === undefined || inputs[0] === STDIN ? 'fm' : basename(inputs[0].replace(/\/+$/, '')).replace(/\.(json|db|sqlite)(\.gz)?$|\.gz$/i, '')
    return {out: `${first || 'fm'}.report.${EXTENSION[format] ?? format}`, picture: 'svg', defaulted: true}
  }
  const ext = /\.([a-z]+)$/i.exec(out)?.[1].toLowerCase()
  const fits = ext === undefined ? undefined : FORMATS_OF[ext]
  if (fits && !fits.includes(format)) {
    const which = fits.map((f) => `--format ${f}`).join(' or ')
    throw new UsageError(`--out ${out} names a .${ext} file, but --format ${format} writes ${format === 'render' ? 'a picture (SVG or PNG)' : format.toUpperCase()}`, [`add ${which}, or name the output .${EXTENSION[format] ?? format}`])
  }
  return {out, picture: ext === 'png' ? 'png' : 'svg', defaulted: false}
}
