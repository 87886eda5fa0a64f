// Fails loudly when a script runs on a Node older than Astro 7 needs. The `node` devDependency
// puts Node 24 first on PATH for npm scripts; this catches a run that bypassed it.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
	console.error(
		`error: Node ${process.versions.node} is too old; this project needs Node >= 22.12.\n` +
			'Run it through npm (`npm start`, `npm test`): the `node` devDependency supplies Node 24.',
	);
	process.exit(1);
}
