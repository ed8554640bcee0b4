// Tests and benchmarks import the generator by package name (@fm/gen), from these sources.
export {generateDeployment, Deployment, type DeploymentOptions, type GenerateOptions, type GeneratedDeployment, type TruthSummary} from './generate.js'
export {writeDeployment, type WrittenDeployment} from './write-deployment.js'
export {hash32, rng, uuid} from './rng.js'
export {PROCS, DOCKER_BRIDGE, DOCKER_CONTAINER, LISTENED_ELSEWHERE, type Conn, type Expect, type Host, type Proc, type ProcKey, type RawSocket} from './model.js'
