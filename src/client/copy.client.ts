// Puts text on the clipboard: the async Clipboard API where allowed, else a hidden textarea and
// execCommand (older browsers, insecure origins). Returns whether it worked.

/** Copies `text`; resolves true on success, false when every method was refused. */
export async function copyText(text: string): Promise<boolean> {
	try {
		await navigator.clipboard.writeText(text);
		return true;
	} catch {
		const area = document.createElement('textarea');
		area.value = text;
		area.setAttribute('readonly', '');
		area.style.position = 'fixed';
		area.style.opacity = '0';
		document.body.append(area);
		area.select();
		let ok: boolean;
		try {
			ok = document.execCommand('copy');
		} catch {
			ok = false;
		}
		area.remove();
		return ok;
	}
}
