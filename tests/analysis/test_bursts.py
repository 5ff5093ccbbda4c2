import numpy as np

from massline.analysis.bursts import BurstDetector


def test_a_jump_far_above_the_baseline_alerts():
    series = [5, 4, 6, 5, 5, 4, 6, 5, 5, 4, 30]
    alerts = BurstDetector().scan(series)
    assert [a.period for a in alerts] == [10]
    assert alerts[0].count == 30 and alerts[0].ratio > 4


def test_quiet_poisson_noise_rarely_alerts():
    rng = np.random.default_rng(0)
    alerts = 0
    for key in range(50):
        alerts += len(BurstDetector().scan(rng.poisson(3.0, size=200).tolist(), key=key))
    assert alerts <= 2


def test_no_alert_during_warmup_or_below_the_minimum_count():
    assert BurstDetector().scan([0, 0, 40]) == []
    assert BurstDetector(min_count=3).scan([0] * 20 + [2]) == []


def test_a_new_key_with_a_quiet_past_can_alert_at_once():
    detector = BurstDetector(quiet_past=True)
    for _ in range(12):
        detector.add("topic-9", 86400 * 3 + 100)
    alerts = detector.advance(4)
    assert [a.key for a in alerts] == ["topic-9"]


def test_events_close_periods_as_time_moves_on():
    detector = BurstDetector(warmup=2)
    day = 86400
    for d in range(5):
        detector.add("region", d * day)
    for _ in range(15):
        detector.add("region", 5 * day)
    alerts = detector.add("region", 6 * day)
    assert [(a.key, a.period, a.count) for a in alerts] == [("region", 5, 15)]


def test_keys_gone_quiet_are_forgotten_when_the_past_is_taken_as_quiet():
    detector = BurstDetector(quiet_past=True)
    detector.add("old-topic", 0)
    detector.advance(200)
    assert "old-topic" not in detector._state
