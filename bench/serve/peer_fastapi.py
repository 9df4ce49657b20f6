"""The peer of `nn serve` in bench/serve-load.sh: the same model file served by FastAPI + uvicorn +
PyTorch (Debian's python3-fastapi, python3-uvicorn, python3-torch), the stack a Python user would
reach for. Same request and answer as nn serve: POST /predict {"rows": [[...], ...]} answers
{"rows": n, "probabilities" (softmax output) or "outputs": [[...]], "labels": [...]}.

The body is read with request.json() (no pydantic model: pydantic's validation of 200,000 floats
would be the slowest part, and a user after speed would skip it too). Weights, scaling and
activations come from the Backprop4j model file; each uvicorn worker uses one PyTorch thread.

    MODEL=model.json /usr/bin/python3 -m uvicorn --app-dir bench/serve peer_fastapi:app --port 8081 --workers 2
"""
import json
import os

import torch
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

torch.set_num_threads(1)
torch.set_grad_enabled(False)

ACTIVATIONS = {
    "sigmoid": torch.nn.Sigmoid, "tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "identity": torch.nn.Identity,
    "leaky-relu": lambda: torch.nn.LeakyReLU(0.01), "elu": torch.nn.ELU, "softplus": torch.nn.Softplus,
    "gelu": lambda: torch.nn.GELU(approximate="tanh"), "softmax": lambda: torch.nn.Softmax(dim=1),
}

with open(os.environ["MODEL"]) as f:
    spec = json.load(f)
layers = []
for layer in spec["layers"]:
    w = torch.tensor(layer["weights"], dtype=torch.float32)
    linear = torch.nn.Linear(w.shape[1], w.shape[0])
    linear.weight.copy_(w)
    linear.bias.copy_(torch.tensor(layer["bias"], dtype=torch.float32))
    layers += [linear, ACTIVATIONS[layer["activation"]]()]
net = torch.nn.Sequential(*layers).eval()
scaling = spec.get("scaling", {"method": "none"})
shift = torch.tensor(scaling["shift"]) if scaling["method"] != "none" else None
divide = torch.tensor(scaling["divide"]) if scaling["method"] != "none" else None
classes = spec.get("classes", [])
key = "probabilities" if spec["layers"][-1]["activation"] == "softmax" else "outputs"
inputs = len(spec["layers"][0]["weights"][0])

app = FastAPI()


@app.post("/predict")
async def predict(request: Request):
    body = await request.json()
    x = torch.tensor(body["rows"], dtype=torch.float32)
    if x.dim() != 2 or x.shape[1] != inputs:
        return JSONResponse({"error": f"rows must have {inputs} numbers each", "field": "rows"}, status_code=400)
    if shift is not None:
        x = (x - shift) / divide
    y = net(x)
    answer = {"rows": x.shape[0], key: y.tolist()}
    if classes:
        answer["labels"] = [classes[i] for i in y.argmax(dim=1).tolist()]
    return answer


@app.get("/health")
async def health():
    return {"status": "ok"}
