import {spawn, type ChildProcess} from 'node:child_process'
import {fileURLToPath} from 'node:url'

// Dump paths are relative to the repository root, where the children run (and find tsx).
const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url))

/**
 * Fake analyzers started the way a person starts one (its npm script's entry point, in its own
 * process), so the built binary run through spawnSync cannot block them. Stop them with stopAll().
 */
export class FakeAnalyzerProcesses {
  private children: ChildProcess[] = []

  /** `password` is what `--username` logins must give (FAKE_ANALYZER_PASSWORD); none: no logins. */
  constructor(private readonly dump: string, private readonly password?: string) {}

  /** Starts one on a free loopback port and resolves to its `HOST:PORT`. */
  start(args: string[] = []): Promise<string> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, this.dump, '--port', '0', ...args], {
      cwd: REPO_ROOT,
      env: {...process.env, ...(this.password === undefined ? {} : {FAKE_ANALYZER_PASSWORD: this.password})},
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.children.push(child)
    let out = ''
    let err = ''
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()))
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString()
        const m = /at https?:\/\/([^\s]+)/.exec(out)
        if (m) resolve(m[1])
      })
      child.on('exit', (code) => reject(new Error(`fake analyzer exited with ${code}: ${out}${err}`)))
    })
  }

  stopAll(): void {
    for (const c of this.children.splice(0)) c.kill('SIGTERM')
  }
}
