"""Dev-only: the same ScratchCNN in PyTorch (CPU), batch B, median images/s. Prints two lines."""
import sys, time, statistics
import torch
import torch.nn as nn

torch.set_num_threads(2)
B = int(sys.argv[1]) if len(sys.argv) > 1 else 64

def block(i, o):
    return [nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU()]

features = nn.Sequential(*block(1, 32), *block(32, 32), nn.MaxPool2d(2), *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
                         *block(64, 128), nn.MaxPool2d(2), *block(128, 264), nn.MaxPool2d(2))
classifier = nn.Sequential(nn.Dropout(0.4), nn.Linear(2376, 256), nn.ReLU(), nn.Dropout(0.4), nn.Linear(256, 7))
model = nn.Sequential(features, nn.Flatten(), classifier)
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=5e-4)
loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
x = torch.randn(B, 1, 48, 48)
y = torch.randint(0, 7, (B,))
times = []
for s in range(15):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss_fn(model(x), y).backward()
    opt.step()
    if s >= 3:
        times.append(time.perf_counter() - t0)
print(f"training: {B / statistics.median(times)}")
model.eval()
xi = torch.randn(256, 1, 48, 48)
times = []
with torch.no_grad():
    for s in range(6):
        t0 = time.perf_counter()
        model(xi)
        if s >= 1:
            times.append(time.perf_counter() - t0)
print(f"inference: {256 / statistics.median(times)}")
