#!/usr/bin/env python3
"""The NumPy reference of `pnpm bench`: the same work as our benchmark rows, written with the book's own code
(Deep Learning from Scratch, ch. 5: common/layers.py, common/functions.py, common/gradient.py, two_layer_net.py,
gradient_check.py, train_neuralnet.py; ch. 6: common/multi_layer_net.py, common/optimizer.py's Adam). A yardstick
for benchmarks only, never a dependency of the project.

  python3 bench/numpy_reference.py serve      answer JSON lines on stdin with JSON lines on stdout, so that the
                                              interpreter's start-up and imports are never timed
  python3 bench/numpy_reference.py book DIR   the book's train_neuralnet.py on the MNIST IDX files in DIR, and
                                              print one JSON line: seconds, accuracies, peak memory

`serve` first prints {"ready": true, "numpy": version, ...}, then for each request, such as
{"op": "step", "dtype": "float64", "reps": 200} or {"op": "step_deep", "reps": 200}, one answer
{"seconds": [one per repetition]} (or {"error": ...}).

The matmul, step, inference and gradient-check rows run on seeded random data of the shapes of our 10,000
embedded digits (8,000 training rows of 784 values in [0, 1), labels 0..9): their time hardly depends on the
values, so the digits themselves are not needed here. Only the book run reads real images.

It is the book's code with labels as class indices (the book's SoftmaxWithLoss takes both) and weights of either
float type. The steps keep the book's work, including the first Affine's dx, which our nets skip, and in the deep
step MultiLayerNet's weight decay terms, which with weight_decay_lambda 0 add nothing but still cost a pass over
every W in loss() and in gradient(), where ours skip them; the book run does our Trainer's work (see book() for the
two places where that departs from train_neuralnet.py).

Run it with OPENBLAS_NUM_THREADS=1 (the default set below when unset), as our kernel uses one thread.
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import gzip
import json
import platform
import resource
import sys
import time

import numpy as np

SEED = 0
INPUT, HIDDEN, OUTPUT = 784, 50, 10
DEEP_HIDDEN = [100, 100, 100]
BATCH = 100
LR = 0.1
WEIGHT_INIT_STD = 0.01
TRAIN_ROWS = 8000
INFERENCE_ROWS = 10000
INFERENCE_CHUNK = 1000


# --- the book's common/functions.py ---------------------------------------------------------------------------

def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)  # against overflow
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


# --- the book's common/layers.py --------------------------------------------------------------------------------

class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        out = sigmoid(x)
        self.out = out
        return out

    def backward(self, dout):
        return dout * (1.0 - self.out) * self.out


class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        self.original_x_shape = x.shape
        x = x.reshape(x.shape[0], -1)
        self.x = x
        return np.dot(self.x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx.reshape(*self.original_x_shape)


class SoftmaxWithLoss:
    def __init__(self):
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        if self.t.size == self.y.size:
            dx = (self.y - self.t) / batch_size
        else:
            dx = self.y.copy()
            dx[np.arange(batch_size), self.t] -= 1
            dx = dx / batch_size
        return dx


# --- the book's common/gradient.py ------------------------------------------------------------------------------

def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = float(tmp_val) + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
    return grad


# --- the book's ch05/two_layer_net.py, with a dtype for the weights ----------------------------------------------

class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=WEIGHT_INIT_STD, dtype=np.float64):
        self.params = {
            "W1": (weight_init_std * np.random.randn(input_size, hidden_size)).astype(dtype),
            "b1": np.zeros(hidden_size, dtype=dtype),
            "W2": (weight_init_std * np.random.randn(hidden_size, output_size)).astype(dtype),
            "b2": np.zeros(output_size, dtype=dtype),
        }
        self.layers = {
            "Affine1": Affine(self.params["W1"], self.params["b1"]),
            "Relu1": Relu(),
            "Affine2": Affine(self.params["W2"], self.params["b2"]),
        }
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.lastLayer.forward(self.predict(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)
        return {key: numerical_gradient(loss_W, self.params[key]) for key in ("W1", "b1", "W2", "b2")}

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        # as the book: the first Affine's dx, which nobody needs, is computed too
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        return {
            "W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
            "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db,
        }


# --- the book's common/multi_layer_net.py -----------------------------------------------------------------------

class MultiLayerNet:
    """Fully connected net: (Affine -> activation) per hidden size, then Affine and SoftmaxWithLoss.
    weight_init_std: a number, or 'relu'/'he' (He's initial values) or 'sigmoid'/'xavier' (Xavier's)."""

    def __init__(self, input_size, hidden_size_list, output_size, activation="relu", weight_init_std="relu", weight_decay_lambda=0):
        self.input_size = input_size
        self.output_size = output_size
        self.hidden_size_list = hidden_size_list
        self.hidden_layer_num = len(hidden_size_list)
        self.weight_decay_lambda = weight_decay_lambda
        self.params = {}
        self.__init_weight(weight_init_std)

        activation_layer = {"sigmoid": Sigmoid, "relu": Relu}
        self.layers = {}
        for idx in range(1, self.hidden_layer_num + 1):
            self.layers["Affine" + str(idx)] = Affine(self.params["W" + str(idx)], self.params["b" + str(idx)])
            self.layers["Activation_function" + str(idx)] = activation_layer[activation]()
        idx = self.hidden_layer_num + 1
        self.layers["Affine" + str(idx)] = Affine(self.params["W" + str(idx)], self.params["b" + str(idx)])
        self.last_layer = SoftmaxWithLoss()

    def __init_weight(self, weight_init_std):
        all_size_list = [self.input_size] + self.hidden_size_list + [self.output_size]
        for idx in range(1, len(all_size_list)):
            scale = weight_init_std
            if str(weight_init_std).lower() in ("relu", "he"):
                scale = np.sqrt(2.0 / all_size_list[idx - 1])  # recommended with ReLU
            elif str(weight_init_std).lower() in ("sigmoid", "xavier"):
                scale = np.sqrt(1.0 / all_size_list[idx - 1])  # recommended with sigmoid
            self.params["W" + str(idx)] = scale * np.random.randn(all_size_list[idx - 1], all_size_list[idx])
            self.params["b" + str(idx)] = np.zeros(all_size_list[idx])

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        y = self.predict(x)
        # as the book: a pass over every W even when weight_decay_lambda is 0
        weight_decay = 0
        for idx in range(1, self.hidden_layer_num + 2):
            W = self.params["W" + str(idx)]
            weight_decay += 0.5 * self.weight_decay_lambda * np.sum(W ** 2)
        return self.last_layer.forward(y, t) + weight_decay

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)
        grads = {}
        for idx in range(1, self.hidden_layer_num + 2):
            grads["W" + str(idx)] = numerical_gradient(loss_W, self.params["W" + str(idx)])
            grads["b" + str(idx)] = numerical_gradient(loss_W, self.params["b" + str(idx)])
        return grads

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.last_layer.backward(1)
        # as the book: the first Affine's dx, which nobody needs, is computed too
        layers = list(self.layers.values())
        layers.reverse()
        for layer in layers:
            dout = layer.backward(dout)
        # as the book: dW + 0 * W, a new array per W, when weight_decay_lambda is 0
        grads = {}
        for idx in range(1, self.hidden_layer_num + 2):
            grads["W" + str(idx)] = self.layers["Affine" + str(idx)].dW + self.weight_decay_lambda * self.layers["Affine" + str(idx)].W
            grads["b" + str(idx)] = self.layers["Affine" + str(idx)].db
        return grads


# --- the book's common/optimizer.py: Adam -----------------------------------------------------------------------

class Adam:
    """Adam (http://arxiv.org/abs/1412.6980v8)"""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.iter = 0
        self.m = None
        self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m, self.v = {}, {}
            for key, val in params.items():
                self.m[key] = np.zeros_like(val)
                self.v[key] = np.zeros_like(val)

        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)

        for key in params.keys():
            self.m[key] += (1 - self.beta1) * (grads[key] - self.m[key])
            self.v[key] += (1 - self.beta2) * (grads[key] ** 2 - self.v[key])
            params[key] -= lr_t * self.m[key] / (np.sqrt(self.v[key]) + 1e-7)


# --- the benchmark's rows ---------------------------------------------------------------------------------------

def timed(reps, fn):
    seconds = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return seconds


def embedded_like(dtype=np.float64):
    """Seeded random stand-ins for the 8,000 embedded training digits: x (8000, 784) in [0, 1), t (8000) labels."""
    rng = np.random.RandomState(SEED)
    return rng.rand(TRAIN_ROWS, INPUT).astype(dtype), rng.randint(0, OUTPUT, TRAIN_ROWS)


class Workloads:
    """Data and networks, made once on first use and kept between requests."""

    def __init__(self):
        np.random.seed(SEED)
        rng = np.random.RandomState(SEED)
        self.x = rng.rand(BATCH, INPUT)
        self.W = WEIGHT_INIT_STD * rng.randn(INPUT, HIDDEN)
        self.dout = rng.randn(BATCH, HIDDEN)
        self.A = rng.randn(512, 512)
        self.B = rng.randn(512, 512)
        self.steps = {}
        self.deep = None
        self.inference = None
        self.check = None

    def matmul(self, shape, reps):
        x, W, dout = self.x, self.W, self.dout
        work = {
            "forward": lambda: np.dot(x, W),
            "xT_dout": lambda: np.dot(x.T, dout),
            "dout_WT": lambda: np.dot(dout, W.T),
            "square512": lambda: np.dot(self.A, self.B),
        }
        if shape not in work:
            raise ValueError(f"matmul: unknown shape {shape!r}, expected one of {sorted(work)}")
        return timed(reps, work[shape])

    def step(self, dtype, reps):
        """train_neuralnet.py's step: draw a batch with replacement, backprop, SGD; float64 or float32 throughout."""
        if dtype not in ("float64", "float32"):
            raise ValueError(f"step: dtype must be float64 or float32, got {dtype!r}")
        if dtype not in self.steps:
            x_train, t_train = embedded_like(np.dtype(dtype))
            self.steps[dtype] = (TwoLayerNet(INPUT, HIDDEN, OUTPUT, dtype=np.dtype(dtype)), x_train, t_train, np.random.RandomState(SEED))
        network, x_train, t_train, rng = self.steps[dtype]

        def step():
            batch_mask = rng.choice(TRAIN_ROWS, BATCH)
            grad = network.gradient(x_train[batch_mask], t_train[batch_mask])
            for key in ("W1", "b1", "W2", "b2"):
                network.params[key] -= LR * grad[key]

        return timed(reps, step)

    def step_deep(self, reps):
        """optimizer_compare_mnist.py's step with Adam: draw a batch of 100 with replacement, backprop, update, on
        MultiLayerNet(784, [100, 100, 100], 10) with the book's defaults (ReLU, He's initial values, weight_decay_lambda
        0; the book's script has four hidden layers and batches of 128); float64."""
        if self.deep is None:
            x_train, t_train = embedded_like()
            self.deep = (MultiLayerNet(INPUT, DEEP_HIDDEN, OUTPUT), Adam(), x_train, t_train, np.random.RandomState(SEED))
        network, optimizer, x_train, t_train, rng = self.deep

        def step():
            batch_mask = rng.choice(TRAIN_ROWS, BATCH)
            grads = network.gradient(x_train[batch_mask], t_train[batch_mask])
            optimizer.update(network.params, grads)

        return timed(reps, step)

    def infer(self, reps):
        """predict and argmax over 10,000 rows in chunks of 1,000 (each repetition covers all 10,000)."""
        if self.inference is None:
            rng = np.random.RandomState(SEED)
            chunks = [rng.rand(INFERENCE_CHUNK, INPUT) for _ in range(INFERENCE_ROWS // INFERENCE_CHUNK)]
            self.inference = (TwoLayerNet(INPUT, HIDDEN, OUTPUT), chunks)
        network, chunks = self.inference

        def infer():
            for x in chunks:
                np.argmax(network.predict(x), axis=1)

        return timed(reps, infer)

    def gradient_check(self, reps):
        """gradient_check.py: numerical and backprop gradients of TwoLayerNet(784, 50, 10) on 3 samples."""
        if self.check is None:
            x_train, t_train = embedded_like()
            self.check = (TwoLayerNet(INPUT, HIDDEN, OUTPUT), x_train[:3], t_train[:3])
        network, x_batch, t_batch = self.check
        diffs = {}

        def check():
            grad_numerical = network.numerical_gradient(x_batch, t_batch)
            grad_backprop = network.gradient(x_batch, t_batch)
            for key in grad_numerical:
                diffs[key] = float(np.average(np.abs(grad_backprop[key] - grad_numerical[key])))

        seconds = timed(reps, check)
        return seconds, diffs


def peak_rss_kb():
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # kilobytes on Linux, bytes on macOS
    return peak // 1024 if sys.platform == "darwin" else peak


def serve():
    work = Workloads()
    say({"ready": True, "numpy": np.__version__, "python": platform.python_version(), "openblasThreads": os.environ.get("OPENBLAS_NUM_THREADS")})
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            op = request.get("op")
            reps = int(request.get("reps", 1))
            if op == "matmul":
                answer = {"seconds": work.matmul(request["shape"], reps)}
            elif op == "step":
                answer = {"seconds": work.step(request["dtype"], reps)}
            elif op == "step_deep":
                answer = {"seconds": work.step_deep(reps)}
            elif op == "inference":
                answer = {"seconds": work.infer(reps)}
            elif op == "gradcheck":
                seconds, diffs = work.gradient_check(reps)
                answer = {"seconds": seconds, "meanAbsDiff": diffs}
            elif op == "memory":
                answer = {"peakRssKb": peak_rss_kb()}
            else:
                raise ValueError(f"unknown op {op!r}")
        except Exception as error:  # one bad request must not end the session
            answer = {"error": f"{type(error).__name__}: {error}"}
        say(answer)


def say(answer):
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


# --- the book run: ch05/train_neuralnet.py on dataset/mnist.py's load_mnist --------------------------------------

def load_idx(path, offset):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def find(dir, name):
    for candidate in (os.path.join(dir, name + ".gz"), os.path.join(dir, name)):
        if os.path.exists(candidate):
            return candidate
    raise FileNotFoundError(f"book: {name}(.gz) not found in {dir}")


def load_mnist(dir):
    """load_mnist(normalize=True, one_hot_label=False), in float64 as ours: x (N, 784) p / 255, t (N) labels."""
    def images(name):
        x = load_idx(find(dir, name), 16).reshape(-1, INPUT).astype(np.float64)
        x /= 255.0
        return x

    def labels(name):
        return load_idx(find(dir, name), 8).astype(np.int64)

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")), (images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


def book(dir):
    """
    train_neuralnet.py, doing the same work as our Trainer: the loss kept is the one the gradient computed (the
    book computes it once more after the update), and the 17 evaluations come after steps 600, 1200, ..., 9600 and
    after the last step (the book's after steps 1, 601, ..., 9601), each on all 60,000 + 10,000 images.
    """
    np.random.seed(SEED)
    start = time.perf_counter()
    (x_train, t_train), (x_test, t_test) = load_mnist(dir)
    load_seconds = time.perf_counter() - start

    network = TwoLayerNet(input_size=INPUT, hidden_size=HIDDEN, output_size=OUTPUT)
    iters_num = 10000
    train_size = x_train.shape[0]
    batch_size = BATCH
    learning_rate = LR
    train_loss_list, train_acc_list, test_acc_list = [], [], []
    eval_every = 600

    start = time.perf_counter()
    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]
        train_loss_list.append(network.lastLayer.loss)
        if (i + 1) % eval_every == 0 or i + 1 == iters_num:
            train_acc_list.append(network.accuracy(x_train, t_train))
            test_acc_list.append(network.accuracy(x_test, t_test))
    seconds = time.perf_counter() - start

    say({
        "seconds": seconds,
        "loadSeconds": load_seconds,
        "evaluations": len(test_acc_list),
        "trainAcc": float(train_acc_list[-1]),
        "testAcc": float(test_acc_list[-1]),
        "peakRssKb": peak_rss_kb(),
        "numpy": np.__version__,
    })


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve()
    elif sys.argv[1:2] == ["book"] and len(sys.argv) == 3:
        book(sys.argv[2])
    else:
        sys.exit("usage: numpy_reference.py serve | book DIR")
