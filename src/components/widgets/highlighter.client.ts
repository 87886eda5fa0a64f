// Shiki in the page, in its fine-grained form: the core, the JavaScript raw engine running the
// precompiled json and python grammars (no WebAssembly, no regex compilation at run time), and
// the same two themes the build uses. Loaded by the builder on the reader's first interaction,
// never before. Output is DOM built with textContent, never HTML strings: the editor's text is
// the reader's, and nothing the reader types is parsed as markup.
import { codeToTokens, createShikiPrimitiveAsync, type ThemedToken } from 'shiki/core';
import { createJavaScriptRawEngine } from 'shiki/engine/javascript';
import json from '@shikijs/langs-precompiled/json';
import python from '@shikijs/langs-precompiled/python';
import githubLight from 'shiki/themes/github-light.mjs';
import githubDark from 'shiki/themes/github-dark.mjs';
import { HIGHLIGHT_MAX_LINE } from '../../lib/builder-edit.ts';

export type HighlightLang = 'json' | 'python';

export type HighlightInto = (code: HTMLElement, text: string, lang: HighlightLang) => void;

/**
 * Creates the highlighter (once per page) and returns the function that paints with it. The
 * primitive core plus the token function, not createHighlighterCore: that one also carries the
 * HTML serialiser (hast), some 14 KB gzip this page never uses since it builds DOM itself.
 */
export async function loadHighlighter(): Promise<HighlightInto> {
	const primitive = await createShikiPrimitiveAsync({
		themes: [githubLight, githubDark],
		langs: [json, python],
		engine: createJavaScriptRawEngine(),
	});
	return (code, text, lang) =>
		paint(
			codeToTokens(primitive, text, {
				lang,
				themes: { light: 'github-light', dark: 'github-dark' },
				defaultColor: false,
				// A very long line is left as one plain token: its cost would land on a keystroke.
				tokenizeMaxLineLength: HIGHLIGHT_MAX_LINE,
			}).tokens,
			code,
		);
}

/**
 * Fills `code` (a <code> inside a shiki <pre>) with one span per line and per token, coloured by
 * the --shiki-light / --shiki-dark variables the build-time listings use, so both look alike.
 */
function paint(tokens: ThemedToken[][], code: HTMLElement): void {
	const lines: Node[] = [];
	tokens.forEach((line, index) => {
		const row = document.createElement('span');
		row.className = 'line';
		for (const token of line) {
			const span = document.createElement('span');
			span.textContent = token.content;
			// Written as the build writes it (`--shiki-light:#24292E;--shiki-dark:#E1E4E8`), so the
			// stylesheet's contrast fixes, which match on that text, apply here too.
			const style = Object.entries(token.htmlStyle ?? {})
				.map(([name, value]) => `${name}:${value}`)
				.join(';');
			if (style) span.setAttribute('style', style);
			row.append(span);
		}
		lines.push(row);
		if (index < tokens.length - 1) lines.push(document.createTextNode('\n'));
	});
	code.replaceChildren(...lines);
}
