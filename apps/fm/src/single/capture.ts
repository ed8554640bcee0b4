import {dirname} from 'node:path'
import {Config, Errors, Help, flush, settings} from '@oclif/core'
import Capture from '../commands/capture.js'
import {guardStdout} from '../lib/stdout.js'

/** Set by the packaging build (esbuild define); the single executable has no package.json to read. */
declare const FM_VERSION: string

const BIN = 'fm-capture'

/**
 * `fm capture` as one executable file (a Node single executable application, built by
 * `npm run package`): no package.json, no command files and no plugins on disk, so the config
 * is given here and the one command is run directly.
 */
async function main(argv: string[]): Promise<void> {
  // stdout drains before exiting, as in bin/run.js
  guardStdout()
  // there are no TypeScript sources to look for, whatever NODE_ENV says
  settings.enableAutoTranspile = false
  const version = typeof FM_VERSION === 'string' ? FM_VERSION : '0.0.0'
  const config = await Config.load({
    root: dirname(process.execPath),
    pjson: {name: BIN, version, oclif: {bin: BIN, dirname: 'fm', topicSeparator: ' ', plugins: []}} as never,
    userPlugins: false,
    devPlugins: false,
    jitPlugins: false,
  })
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${BIN}/${version} ${process.platform}-${process.arch} node-${process.version}\n`)
    return
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    await new Help(config).showCommandHelp(Object.assign(Capture, {id: ''}) as never)
    return
  }
  await Capture.run(argv, config)
}

main(process.argv.slice(2)).then(() => flush(), (e: unknown) => Errors.handle(e as Error))
