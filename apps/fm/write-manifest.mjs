// Writes oclif.manifest.json after the build, so `fm` does not import every command
// (the report's jsdom and d3 among them) just to find the one it runs.
import {writeFileSync, rmSync} from 'node:fs'
import {Config} from '@oclif/core'

const root = new URL('.', import.meta.url).pathname
rmSync(new URL('oclif.manifest.json', import.meta.url), {force: true})
const config = await Config.load(root)
const plugin = config.getPluginsList().find((p) => p.root.replace(/\/$/, '') === root.replace(/\/$/, ''))
if (!plugin) throw new Error(`no oclif plugin at ${root}`)
writeFileSync(new URL('oclif.manifest.json', import.meta.url), JSON.stringify(plugin.manifest, null, 2) + '\n')
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`)
