//! Diesel table definitions, shared by both backends. Kept by hand in step with `migrations/`.

diesel::table! {
    organisations (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organisation_municipalities (organisation_id, municipality) {
        organisation_id -> Text,
        municipality -> Text,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        organisation_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        name -> Nullable<Text>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    lettings (id) {
        id -> BigInt,
        corporation -> Text,
        reference -> Text,
        version -> Integer,
        withdrawn -> Bool,
        municipality -> Text,
        contract_start -> Date,
        rent_cents -> BigInt,
        household_size -> Integer,
        household_income_cents -> BigInt,
        pension_age -> Bool,
        route -> Text,
        urgency -> Nullable<Text>,
        excluded_reason -> Nullable<Text>,
        passend_exception -> Bool,
        contract_month -> Integer,
        norms_year -> Integer,
        is_social -> Bool,
        rent_class -> Text,
        is_counted -> Bool,
        within_rent_cap -> Bool,
        income_above_limit -> Bool,
        in_passend_denominator -> Bool,
        passend_compliant -> Bool,
        is_urgent -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        allocation_date -> Date,
        status_holder -> Bool,
        norms_provisional -> Bool,
    }
}

diesel::table! {
    letting_versions (id) {
        id -> BigInt,
        corporation -> Text,
        reference -> Text,
        version -> Integer,
        change -> Text,
        withdrawn -> Bool,
        municipality -> Text,
        contract_start -> Date,
        rent_cents -> BigInt,
        household_size -> Integer,
        household_income_cents -> BigInt,
        pension_age -> Bool,
        route -> Text,
        urgency -> Nullable<Text>,
        excluded_reason -> Nullable<Text>,
        passend_exception -> Bool,
        recorded_at -> Timestamp,
        allocation_date -> Date,
        status_holder -> Bool,
    }
}

diesel::joinable!(organisation_municipalities -> organisations (organisation_id));
diesel::joinable!(api_tokens -> organisations (organisation_id));
diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    organisation_municipalities,
    api_tokens,
    lettings,
    letting_versions,
);

diesel::table! {
    write_locks (name) {
        name -> Text,
        touched_at -> Timestamp,
    }
}

diesel::table! {
    alerts (id) {
        id -> BigInt,
        municipality -> Text,
        metric -> Text,
        corporation -> Text,
        year -> Integer,
        level -> Text,
        state -> Text,
        count -> BigInt,
        denominator -> BigInt,
        limit_value -> Text,
        opened_at -> Timestamp,
        updated_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    alert_events (id) {
        id -> BigInt,
        alert_id -> BigInt,
        change -> Text,
        level -> Text,
        metric_state -> Text,
        count -> BigInt,
        denominator -> BigInt,
        limit_value -> Text,
        at -> Timestamp,
    }
}

diesel::joinable!(alert_events -> alerts (alert_id));
diesel::allow_tables_to_appear_in_same_query!(alerts, alert_events);

diesel::table! {
    status_holder_targets (municipality, half_year) {
        municipality -> Text,
        half_year -> Text,
        persons -> Integer,
        note -> Nullable<Text>,
        set_by -> Text,
        set_at -> Timestamp,
    }
}

diesel::table! {
    status_holder_placements (id) {
        id -> BigInt,
        municipality -> Text,
        placed_on -> Date,
        persons -> Integer,
        note -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    allocation_plans (id) {
        id -> BigInt,
        municipality -> Text,
        year -> Integer,
        version -> Integer,
        expected_available -> Integer,
        note -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    allocation_plan_lines (plan_id, category) {
        plan_id -> BigInt,
        category -> Text,
        planned -> Integer,
    }
}

diesel::joinable!(allocation_plan_lines -> allocation_plans (plan_id));
diesel::allow_tables_to_appear_in_same_query!(allocation_plans, allocation_plan_lines);

diesel::table! {
    published_reports (id) {
        id -> BigInt,
        municipality -> Text,
        half_year -> Text,
        body -> Text,
        sha256 -> Text,
        norms_years -> Text,
        agreement_id -> Text,
        agreement_version -> Integer,
        published_by -> Text,
        published_at -> Timestamp,
    }
}

diesel::table! {
    webhooks (id) {
        id -> BigInt,
        municipality -> Text,
        owner -> Text,
        url -> Text,
        secret -> Text,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        webhook_id -> BigInt,
        alert_id -> BigInt,
        event -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::allow_tables_to_appear_in_same_query!(webhooks, webhook_deliveries);

diesel::table! {
    letting_month_counts (municipality, contract_month, corporation, is_social, is_counted, urgency, within_rent_cap, income_above_limit, in_passend_denominator, passend_compliant, local_priority) {
        municipality -> Text,
        corporation -> Text,
        contract_month -> Integer,
        is_social -> Bool,
        is_counted -> Bool,
        urgency -> Text,
        within_rent_cap -> Bool,
        income_above_limit -> Bool,
        in_passend_denominator -> Bool,
        passend_compliant -> Bool,
        local_priority -> Bool,
        lettings -> BigInt,
    }
}

diesel::table! {
    letting_month_profiles (municipality, contract_month, corporation, rent_class, route, urgency, household_size, is_counted, status_holder) {
        municipality -> Text,
        corporation -> Text,
        contract_month -> Integer,
        rent_class -> Text,
        route -> Text,
        urgency -> Text,
        household_size -> Integer,
        is_counted -> Bool,
        status_holder -> Bool,
        lettings -> BigInt,
    }
}

diesel::table! {
    national_norms (year) {
        year -> Integer,
        source -> Text,
        quality_discount_limit_cents -> BigInt,
        rent_cap_low_cents -> BigInt,
        rent_cap_high_cents -> BigInt,
        social_rent_limit_cents -> BigInt,
        social_income_limit_single_cents -> BigInt,
        social_income_limit_multi_cents -> BigInt,
        passend_income_limit_single_cents -> BigInt,
        passend_income_limit_single_pension_cents -> BigInt,
        passend_income_limit_multi_cents -> BigInt,
        passend_income_limit_multi_pension_cents -> BigInt,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        organisation_id -> Text,
        token_id -> Nullable<BigInt>,
        person -> Nullable<Text>,
        via -> Text,
        municipality -> Nullable<Text>,
        action -> Text,
        subject -> Text,
        details -> Text,
    }
}

diesel::table! {
    alert_notes (id) {
        id -> BigInt,
        alert_id -> BigInt,
        text -> Text,
        organisation_id -> Text,
        token_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    submissions (id) {
        id -> BigInt,
        municipality -> Text,
        corporation -> Text,
        month -> Integer,
        lettings -> BigInt,
        digest -> Text,
        token_id -> Nullable<BigInt>,
        declared_at -> Timestamp,
    }
}

diesel::table! {
    people (id) {
        id -> BigInt,
        organisation_id -> Text,
        email -> Text,
        name -> Text,
        password_hash -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    person_sessions (id_hash) {
        id_hash -> Text,
        person_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    password_links (token_hash) {
        token_hash -> Text,
        person_id -> BigInt,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(person_sessions -> people (person_id));
diesel::joinable!(password_links -> people (person_id));
diesel::allow_tables_to_appear_in_same_query!(people, person_sessions, password_links);

diesel::table! {
    share_links (id) {
        id -> BigInt,
        token_hash -> Text,
        municipality -> Text,
        half_year -> Text,
        label -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    signal_email_subscriptions (person_id, municipality) {
        person_id -> BigInt,
        municipality -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    signal_emails (id) {
        id -> BigInt,
        person_id -> BigInt,
        alert_id -> BigInt,
        event -> Text,
        payload -> Text,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(signal_email_subscriptions -> people (person_id));
diesel::joinable!(signal_emails -> people (person_id));
diesel::allow_tables_to_appear_in_same_query!(people, signal_email_subscriptions, signal_emails);

diesel::table! {
    expected_homes (municipality, year, corporation) {
        municipality -> Text,
        year -> Integer,
        corporation -> Text,
        homes -> Integer,
        note -> Nullable<Text>,
        set_at -> Timestamp,
    }
}

diesel::table! {
    stock_unit_versions (corporation, unit_code, version) {
        corporation -> Text,
        unit_code -> Text,
        version -> Integer,
        municipality -> Text,
        unit_kind -> Text,
        status -> Text,
        daeb -> Text,
        wws_points -> Nullable<Integer>,
        target_rent_cents -> Nullable<BigInt>,
        energy_label -> Nullable<Text>,
        label_method -> Nullable<Text>,
        label_date -> Nullable<Date>,
        condition_score -> Nullable<Integer>,
        in_service_date -> Nullable<Date>,
        in_service_reason -> Nullable<Text>,
        out_of_service_date -> Nullable<Date>,
        out_of_service_reason -> Nullable<Text>,
        planned_exit_date -> Nullable<Date>,
        digest -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    afspraak_updates (id) {
        id -> BigInt,
        municipality -> Text,
        agreement_id -> Text,
        afspraak_key -> Text,
        status -> Text,
        escalation_level -> Integer,
        note -> Text,
        organisation_id -> Text,
        person -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    stock_snapshots (id) {
        id -> BigInt,
        corporation -> Text,
        municipality -> Text,
        reference_date -> Date,
        units -> BigInt,
        posted_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    stock_snapshot_units (snapshot_id, unit_code) {
        snapshot_id -> BigInt,
        unit_code -> Text,
        version -> Integer,
    }
}

diesel::joinable!(stock_snapshot_units -> stock_snapshots (snapshot_id));
diesel::allow_tables_to_appear_in_same_query!(
    stock_unit_versions,
    stock_snapshots,
    stock_snapshot_units
);
