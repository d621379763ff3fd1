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


@pytest.mark.slow
def test_base_states_are_computed_in_batches_by_word_piece_count_and_returned_in_input_order(monkeypatch):
    base = frozen_base()
    # by characters the order is It may. (7) < PBDE-47... (18) < Mice slept... (29); by word pieces 5 < 8 < 14
    texts = ["Mice slept longer and better.", "PBDE-47 IL-6 NF-kB", "It may."]
    layer = 2
    base.clear()
    alone = [base.hidden_states([t], layer)[0] for t in texts]
    base.clear()
    batches = []
    original = base._lower
    monkeypatch.setattr(base, "_lower", lambda enc, n: batches.append(enc["input_ids"].shape) or original(enc, n))
    together = base.hidden_states(texts, layer, batch_size=2)
    base.clear()
    assert [shape[0] for shape in batches] == [2, 1], "two batches of at most 2"
    assert [shape[1] for shape in batches] == [8, 14], "the two texts with the fewest word pieces share a batch"
    for got, want in zip(together, alone, strict=True):
        torch.testing.assert_close(got, want, atol=1e-5, rtol=0)
