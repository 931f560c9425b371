/** Saves text as a file in the browser's downloads (as JSON unless another media type is given); for every extension page that exports. */
export type DownloadText = (fileName: string, text: string, mediaType?: string) => void;

/**
 * A download through a temporary object URL and link, so no `downloads` permission is needed. The
 * link must be in the document for Firefox; the URL is released once the browser has taken it.
 */
export function createDownloader(doc: Document, urls: Pick<typeof URL, 'createObjectURL' | 'revokeObjectURL'>): DownloadText {
  return (fileName, text, mediaType = 'application/json') => {
    const href = urls.createObjectURL(new Blob([text], { type: mediaType }));
    const link = doc.createElement('a');
    link.href = href;
    link.download = fileName;
    link.hidden = true;
    doc.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => urls.revokeObjectURL(href), 1_000);
  };
}
