import Markdown, { defaultUrlTransform, type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

// Change descriptions come from repositories and forges (app names, paths, notes, token names), so
// they are rendered, never injected: react-markdown builds React elements (no innerHTML), raw HTML
// in the source is dropped (`skipHtml`, and no rehype-raw), links keep only safe protocols
// (defaultUrlTransform drops javascript:, data: and the like), and images are shown as their alt text
// so a description cannot make a reviewer's browser fetch a remote address.

const components: Components = {
  h1: ({ children }) => <h3 className="mt-3 text-base font-semibold">{children}</h3>,
  h2: ({ children }) => <h3 className="mt-3 text-base font-semibold">{children}</h3>,
  h3: ({ children }) => <h4 className="mt-3 font-semibold">{children}</h4>,
  h4: ({ children }) => <h5 className="mt-2 font-medium">{children}</h5>,
  p: ({ children }) => <p className="my-2">{children}</p>,
  ul: ({ children }) => <ul className="my-2 list-disc pl-5">{children}</ul>,
  ol: ({ children }) => <ol className="my-2 list-decimal pl-5">{children}</ol>,
  blockquote: ({ children }) => <blockquote className="my-2 border-l-4 border-amber-300 bg-amber-50 px-3 py-1 text-amber-900">{children}</blockquote>,
  a: ({ href, children }) => (
    <a href={href} className="text-sky-700 underline" rel="noreferrer nofollow" target="_blank">
      {children}
    </a>
  ),
  code: ({ children }) => <code className="rounded bg-slate-100 px-1 font-mono text-xs">{children}</code>,
  pre: ({ children }) => <pre className="my-2 overflow-x-auto rounded bg-slate-50 p-2 text-xs">{children}</pre>,
  table: ({ children }) => (
    <div className="my-2 overflow-x-auto">
      <table className="text-left text-sm">{children}</table>
    </div>
  ),
  th: ({ children }) => <th className="border-b border-slate-200 px-2 py-1 font-medium">{children}</th>,
  td: ({ children }) => <td className="border-b border-slate-100 px-2 py-1 align-top">{children}</td>,
  img: ({ alt }) => <span>{alt}</span>,
};

/** Markdown from a repository or forge, rendered safely (see above). */
export function SafeMarkdown({ source, testId }: { source: string; testId?: string }) {
  return (
    <div className="text-sm break-words" data-testid={testId}>
      <Markdown remarkPlugins={[remarkGfm]} skipHtml components={components} urlTransform={defaultUrlTransform}>
        {source}
      </Markdown>
    </div>
  );
}
