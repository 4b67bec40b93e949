// A titled list of links to records (inputs, outputs, versions, runs).

export interface RecordLink {
  href: string;
  uid: string;
  label: string;
  detail?: string;
  kind?: string;
  current?: boolean;
}

export function RecordList({ title, items, testId }: { title: string; items: RecordLink[]; testId?: string }) {
  return (
    <section class="record-list" data-testid={testId}>
      <h2>{title}</h2>
      {items.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul>
          {items.map((item) => (
            <li key={item.uid} data-uid={item.uid}>
              {item.kind && <span class="kind">{item.kind}</span>}{" "}
              {item.current ? <strong aria-current="page">{item.label}</strong> : <a href={item.href}>{item.label}</a>}{" "}
              {item.detail && <span class="muted">{item.detail}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
