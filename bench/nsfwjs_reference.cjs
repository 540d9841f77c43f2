// The TensorFlow.js reference of bench/run-head-check.sh: nsfwjs 4.4.0 itself (its bundled MobileNetV2 and
// InceptionV3, @tensorflow/tfjs's CPU backend) on the images HeadSanityCheck decoded, fed through nsfwjs's own
// `infer` (pixels / 255, resizeBilinear with aligned corners to 224 or 299), for the head (dense_3) and the layer
// each committed trunk ends at. Writes OUT_DIR/tfjs-<network>-<layer>-img<i>.f32 (float32 little-endian, NHWC).
//
//   node bench/nsfwjs_reference.cjs NODE_MODULES_DIR OUT_DIR IMAGES
const fs = require("fs");
const path = require("path");
const [modules, out, count] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const tf = require(path.join(modules, "@tensorflow/tfjs"));
const nsfwjs = require(path.join(modules, "nsfwjs"));

async function main() {
  await tf.setBackend("cpu");
  for (const [name, layer] of [["MobileNetV2", "block_13_expand_relu"], ["InceptionV3", "mixed5"]]) {
    const model = await nsfwjs.load(name);
    for (let i = 0; i < count; i++) {
      const buf = fs.readFileSync(path.join(out, `img${i}.rgb`));
      const [w, h] = [buf.readInt32LE(0), buf.readInt32LE(4)];
      const img = tf.tensor3d(Int32Array.from(buf.subarray(8)), [h, w, 3], "int32");
      for (const endpoint of [undefined, layer]) {
        const t = model.infer(img, endpoint);
        const data = Float32Array.from(await t.data());
        fs.writeFileSync(path.join(out, `tfjs-${name}-${endpoint || "dense_3"}-img${i}.f32`), Buffer.from(data.buffer));
        t.dispose();
      }
      img.dispose();
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
