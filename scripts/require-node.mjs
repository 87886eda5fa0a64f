// Fails loudly when a script runs on a Node older than the project needs: the servers are
// TypeScript files run by Node itself, which strips types by default from Node 22.18 (Astro 7
// needs 22.12). The `node` devDependency puts Node 24 first on PATH for npm scripts; this
// catches a run that bypassed it.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
	console.error(
		`error: Node ${process.versions.node} is too old; this project needs Node >= 22.18. Run it through npm (npm start, npm run serve, npm test), whose node devDependency supplies Node 24, or run npx node server/serve.ts.`,
	);
	process.exit(1);
}
