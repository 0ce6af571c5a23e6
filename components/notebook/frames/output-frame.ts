import { startFrame } from './frame-runtime';
import { renderOutput, ZOutputFrameContent } from './render-output';
import './output-frame.css';

/**
 * The page of one active output (`/frames/output.html`, in `<iframe sandbox="allow-scripts">`):
 * renders the HTML, SVG or JavaScript the app sends in `init`, scripts included. The same
 * content sent again (the cell re-rendered) is not rendered twice, so its scripts run once.
 */
const root = document.createElement('div');
root.id = 'output';
let shown = '';

startFrame((message) => {
  if (message.type !== 'init') return;
  const parsed = ZOutputFrameContent.safeParse(message.content);
  if (!parsed.success) return;
  const key = `${parsed.data.mime}\n${parsed.data.text}`;
  if (key === shown) return;
  shown = key;
  if (!root.isConnected) document.body.append(root);
  void renderOutput(root, parsed.data);
});
