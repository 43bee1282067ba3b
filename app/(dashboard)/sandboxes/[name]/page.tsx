import type { Metadata } from 'next';
import { SandboxLivePanel } from '@/components/connected/sandbox-live-panel';

type Props = { params: Promise<{ name: string }> };

/** Route params may arrive percent-encoded; a malformed escape is shown as typed. */
function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { name } = await params;
  return { title: `${decodeName(name)} · cgdash` };
}

/** One sandbox: live charts, controls and its process list. */
export default async function SandboxPage({ params }: Props) {
  const { name } = await params;
  return <SandboxLivePanel name={decodeName(name)} />;
}
