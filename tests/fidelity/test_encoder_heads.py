from __future__ import annotations

import pytest
import torch

from sciwire.fidelity.encoder import N_BASE_LAYERS, build_head, forward_all, frozen_base, trainable_state


@pytest.mark.slow
def test_a_loaded_head_reads_the_base_weights_and_predicts_like_a_copied_one():
    base = frozen_base()
    torch.manual_seed(0)
    copied = build_head(base, 2, 4, 3)
    with torch.no_grad():
        for p in copied.parameters():
            if p.requires_grad:
                p.add_(0.05 * torch.randn_like(p))  # as if trained: adapters, layer norms and head differ
    shared = build_head(base, 2, 4, 3, share_base=True)
    shared.load_state_dict(trainable_state(copied), strict=False)
    top = base.layer(N_BASE_LAYERS - 1).attention.self.query
    assert shared.layers[-1].attention.self.query.base.weight is top.weight
    assert copied.layers[-1].attention.self.query.base.weight is not top.weight
    assert top.weight.requires_grad, "sharing must not freeze the base model's own weights"
    states = base.hidden_states(["Mice slept longer after fasting.", "It may help."], N_BASE_LAYERS - 2)
    torch.testing.assert_close(
        torch.from_numpy(forward_all(shared, states)), torch.from_numpy(forward_all(copied, states)), atol=1e-5, rtol=0
    )
    query = shared.layers[-1].attention.self.query
    assert query._merged is not None, "at inference the adapters are folded into one weight"
    with torch.no_grad():
        for p in copied.parameters():
            if p.requires_grad:
                p.add_(0.05 * torch.randn_like(p))
    shared.load_state_dict(trainable_state(copied), strict=False)
    assert query._merged is None, "new adapters: the folded weight is made again"
    torch.testing.assert_close(
        torch.from_numpy(forward_all(shared, states)), torch.from_numpy(forward_all(copied, states)), atol=1e-5, rtol=0
    )
