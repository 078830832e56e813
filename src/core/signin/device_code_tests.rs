use super::*;

const ANSWER: &[u8] = br#"{"device_code":"DAQABAAEAAAD--DLA3VO7QrddgJg7WevrSECRET","user_code":"FJ8QZTYX2","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"interval":5,"message":"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code FJ8QZTYX2 to authenticate."}"#;

fn answer() -> DeviceCodeAnswer {
    parse_device_code_answer(200, ANSWER).expect("a valid answer")
}

fn entra(code: &str) -> EntraError {
    EntraError {
        error: code.into(),
        ..EntraError::default()
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[test]
fn the_devicecode_answer_is_read_and_the_device_code_stays_hidden() {
    let answer = answer();
    assert_eq!(answer.user_code, "FJ8QZTYX2");
    assert_eq!(answer.verification_uri, "https://microsoft.com/devicelogin");
    assert_eq!(answer.expires_in, secs(900));
    assert_eq!(answer.interval, secs(5));
    assert!(answer.message.as_deref().unwrap().contains("FJ8QZTYX2"));
    assert_eq!(
        answer.device_code.expose(),
        "DAQABAAEAAAD--DLA3VO7QrddgJg7WevrSECRET"
    );
    assert!(!format!("{answer:?}").contains("SECRET"));
}

#[test]
fn seconds_as_strings_and_a_missing_interval_are_accepted() {
    let body = br#"{"device_code":"d","user_code":"U","verification_uri":"https://microsoft.com/devicelogin","expires_in":"600"}"#;
    let answer = parse_device_code_answer(200, body).unwrap();
    assert_eq!(answer.expires_in, secs(600));
    assert_eq!(answer.interval, DEFAULT_INTERVAL);
    assert_eq!(answer.message, None);
}

#[test]
fn a_zero_interval_is_raised_to_one_second() {
    let body = br#"{"device_code":"d","user_code":"U","verification_uri":"https://microsoft.com/devicelogin","expires_in":600,"interval":0}"#;
    assert_eq!(
        parse_device_code_answer(200, body).unwrap().interval,
        secs(1)
    );
}

#[test]
fn refusals_and_broken_answers_are_typed_and_never_quote_a_device_code() {
    let refused = br#"{"error":"invalid_client","error_description":"AADSTS7000218: The request body must contain client_assertion or client_secret.","error_codes":[7000218]}"#;
    match parse_device_code_answer(400, refused) {
        Err(DeviceCodeStartError::Refused { status: 400, error }) => {
            assert_eq!(error.code(), Some(7000218));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        parse_device_code_answer(502, b"<html>proxy</html>"),
        Err(DeviceCodeStartError::NotJson { status: 502, .. })
    ));
    let no_user_code =
        br#"{"device_code":"SECRETCODE","verification_uri":"https://x","expires_in":900}"#;
    let error = parse_device_code_answer(200, no_user_code).unwrap_err();
    assert!(matches!(
        error,
        DeviceCodeStartError::BadAnswer { status: 200, .. }
    ));
    assert!(!error.to_string().contains("SECRETCODE"));
    let truncated = br#"{"device_code":"SECRETCODE","#;
    let error = parse_device_code_answer(200, truncated).unwrap_err();
    assert!(!error.to_string().contains("SECRETCODE"), "{error}");
    let no_expiry =
        br#"{"device_code":"d","user_code":"U","verification_uri":"https://x","expires_in":0}"#;
    assert!(matches!(
        parse_device_code_answer(200, no_expiry),
        Err(DeviceCodeStartError::BadAnswer { .. })
    ));
}

#[test]
fn the_forms_carry_the_grant_type_and_the_code() {
    let answer = answer();
    assert_eq!(
        start_form("cid", "scope"),
        [("client_id", "cid"), ("scope", "scope")]
    );
    assert_eq!(
        poll_form("cid", &answer.device_code),
        [
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", "cid"),
            ("device_code", "DAQABAAEAAAD--DLA3VO7QrddgJg7WevrSECRET"),
        ]
    );
}

#[test]
fn each_oauth_error_code_is_its_outcome() {
    assert_eq!(
        PollOutcome::of_error(entra("authorization_pending")),
        PollOutcome::Pending
    );
    assert_eq!(
        PollOutcome::of_error(entra("slow_down")),
        PollOutcome::SlowDown
    );
    assert_eq!(
        PollOutcome::of_error(entra("expired_token")),
        PollOutcome::Expired
    );
    assert_eq!(
        PollOutcome::of_error(entra("authorization_declined")),
        PollOutcome::Declined
    );
    assert_eq!(
        PollOutcome::of_error(entra("bad_verification_code")),
        PollOutcome::BadVerificationCode
    );
    assert_eq!(
        PollOutcome::of_error(entra("invalid_grant")),
        PollOutcome::Refused(Box::new(entra("invalid_grant")))
    );
}

#[test]
fn pending_waits_one_interval_and_success_is_done() {
    let mut polling = DevicePolling::new(&answer());
    assert_eq!(polling.first(), NextPoll::WaitThenPoll(secs(5)));
    assert_eq!(
        polling.next(PollOutcome::Pending, secs(5)),
        NextPoll::WaitThenPoll(secs(5))
    );
    assert_eq!(polling.next(PollOutcome::Granted, secs(10)), NextPoll::Done);
}

#[test]
fn slow_down_adds_five_seconds_each_time_and_keeps_it() {
    let mut polling = DevicePolling::new(&answer());
    assert_eq!(
        polling.next(PollOutcome::SlowDown, secs(5)),
        NextPoll::WaitThenPoll(secs(10))
    );
    assert_eq!(
        polling.next(PollOutcome::SlowDown, secs(15)),
        NextPoll::WaitThenPoll(secs(15))
    );
    assert_eq!(
        polling.next(PollOutcome::Pending, secs(30)),
        NextPoll::WaitThenPoll(secs(15))
    );
    assert_eq!(polling.interval(), secs(15));
}

#[test]
fn no_answer_doubles_the_interval_up_to_a_minute() {
    let mut polling = DevicePolling::new(&answer());
    assert_eq!(
        polling.next(PollOutcome::NoAnswer, secs(5)),
        NextPoll::WaitThenPoll(secs(10))
    );
    for _ in 0..5 {
        polling.next(PollOutcome::NoAnswer, secs(6));
    }
    assert_eq!(polling.interval(), MAX_INTERVAL);
}

#[test]
fn the_deadline_from_expires_in_stops_before_a_useless_poll() {
    let mut polling = DevicePolling::new(&answer());
    assert_eq!(
        polling.next(PollOutcome::Pending, secs(894)),
        NextPoll::WaitThenPoll(secs(5))
    );
    assert_eq!(
        polling.next(PollOutcome::Pending, secs(895)),
        NextPoll::Stop(DeviceCodeError::Expired)
    );
}

#[test]
fn final_answers_stop_with_a_typed_error() {
    let mut polling = DevicePolling::new(&answer());
    assert_eq!(
        polling.next(PollOutcome::Expired, secs(5)),
        NextPoll::Stop(DeviceCodeError::Expired)
    );
    assert_eq!(
        polling.next(PollOutcome::Declined, secs(5)),
        NextPoll::Stop(DeviceCodeError::Declined)
    );
    assert_eq!(
        polling.next(PollOutcome::BadVerificationCode, secs(5)),
        NextPoll::Stop(DeviceCodeError::BadVerificationCode)
    );
    assert_eq!(
        polling.next(
            PollOutcome::Refused(Box::new(entra("invalid_client"))),
            secs(5)
        ),
        NextPoll::Stop(DeviceCodeError::Refused {
            error: Box::new(entra("invalid_client"))
        })
    );
}
