import {projectTestConfig} from '../../vitest.shared.js'

// this project's tests, for nx's test target; `npm test` runs every project's from the root config
export default projectTestConfig(import.meta.url)
