/** A table's empty text, in a colour that meets WCAG AA (antd's own placeholder grey does not). */
export const emptyText = (text: string) => ({ emptyText: <span style={{ color: 'rgba(0, 0, 0, 0.65)' }}>{text}</span> });
