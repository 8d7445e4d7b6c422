// What the upload page does: draw a photo into a canvas, preview it through blob: and data: URLs,
// set widths through the CSSOM, and POST the canvas as a JPEG to /classify on the same origin.
const status = document.getElementById('status');
const loaded = (img) =>
  new Promise((resolve, reject) => {
    img.onload = resolve;
    img.onerror = () => reject(new Error(`${img.id} did not load`));
  });
try {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 64;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#c8a080';
  ctx.fillRect(0, 0, 64, 64);
  ctx.fillStyle = '#402010';
  ctx.fillRect(18, 22, 8, 6);
  ctx.fillRect(38, 22, 8, 6);
  ctx.fillRect(22, 44, 20, 4);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.9));
  const blobImg = document.getElementById('blob-img');
  const dataImg = document.getElementById('data-img');
  const done = Promise.all([loaded(blobImg), loaded(dataImg)]);
  blobImg.src = URL.createObjectURL(blob);
  dataImg.src = canvas.toDataURL('image/png');
  await done;
  document.getElementById('fill').style.width = '42%';
  const form = new FormData();
  form.append('image', blob, 'face.jpg');
  const res = await fetch('/classify?detect=false', { method: 'POST', body: form, credentials: 'omit' });
  const body = await res.json();
  status.textContent = res.ok ? `emotion: ${body.emotion}` : `error: ${body.error?.code}`;
} catch (err) {
  status.textContent = `failed: ${err}`;
}
document.body.dataset.done = '1';
