/** TorchScript sources as torch.jit.save writes them under code/ (see test/fixtures/torchscript). */
export const module = (body: string): string =>
  `class Net(Module):\n  __parameters__ = []\n  __buffers__ = []\n  training : bool\n  def forward(self: __torch__.Net,\n    x: Tensor) -> Tensor:\n${body
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;

/** A plain scripted model: aten ops, a submodule call, prim ops. */
export const PLAIN = module(
  'fc = self.fc\n_0 = torch.relu((fc).forward(x, ))\ny = torch.add(_0, self.offset)\n_1 = ops.prim.NumToTensor(torch.size(y, 0))\nreturn torch.flatten(y, 1)',
);

/** A `__setstate__` that only sets attributes, as torch.jit.save writes it. */
export const SETSTATE = `class Scale(Module):
  __parameters__ = []
  scale : float
  def __setstate__(self: __torch__.Scale,
    state: Tuple[float, bool]) -> NoneType:
    self.scale = (state)[0]
    self.training = (state)[1]
    return None
`;

/** Quantized packed parameters: a TorchBind class libtorch registers itself. */
export const QUANTIZED = `class Linear(Module):
  _packed_params : __torch__.torch.classes.quantized.LinearPackedParamsBase
  def forward(self: __torch__.Linear, x: Tensor) -> Tensor:
    _0 = ops.quantized.linear(x, self._packed_params, 1.0, 0)
    return torch.ops.aten.dequantize(_0)
`;
