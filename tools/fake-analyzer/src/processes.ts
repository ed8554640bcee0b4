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
  private died: string[] = []

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
    let started = false
    return new Promise((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString()
        const m = /at https?:\/\/([^\s]+)/.exec(out)
        if (m && !started) {
          started = true
          resolve(m[1])
        }
      })
      child.on('exit', (code, signal) => {
        const why = `fake analyzer exited with ${code ?? signal}: ${out}${err}`
        if (!started) return reject(new Error(why))
        // one that crashes while serving shows as a client's "connection refused": keep why
        // (stopAll() takes those it stops out of `children`)
        if (this.children.includes(child)) this.died.push(why.slice(-4000))
      })
    })
  }

  /** What each one that ended on its own after starting printed (a crash while serving), and forgets it. */
  takeDeaths(): string[] {
    return this.died.splice(0)
  }

  stopAll(): void {
    for (const c of this.children.splice(0)) c.kill('SIGTERM')
  }
}
